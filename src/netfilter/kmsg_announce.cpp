#include "netfilter/kmsg_announce.h"

namespace ftnt::netfilter {
namespace {

template <typename T>
void add(std::string& key, const char* name, const std::optional<T>& value) {
    if (value) key += std::string(" ") + name + std::to_string(*value);
}

void add_endpoints(std::string& key, const PacketTuple& tuple, const PacketInfo& packet) {
    key += " " + tuple.source() + " " + tuple.destination();
    add(key, "e", packet.echo_id);
}

}  // namespace

std::string announce_key(const PacketInfo& packet) {
    if (!packet.tuple) return "";
    const auto& tuple = *packet.tuple;
    std::string key =
        std::to_string(tuple.family) + " " + tuple.l4 + " " + std::to_string(packet.length);
    add(key, "s", packet.tcp_seq);
    add(key, "a", packet.tcp_ack);
    add(key, "q", packet.echo_seq);
    if (tuple.family == 4 && packet.ip_id && *packet.ip_id != 0)
        add(key, "i", packet.ip_id);
    else
        add_endpoints(key, tuple, packet);
    return key;
}

AnnouncedPackets::AnnouncedPackets(uint64_t window_us, std::size_t capacity)
    : window_us_(window_us), capacity_(capacity) {}

void AnnouncedPackets::announce(const PacketInfo& packet, uint64_t time_us) {
    auto key = announce_key(packet);
    if (key.empty()) return;
    forget_older_than(time_us > window_us_ ? time_us - window_us_ : 0);
    last_seen_us_[key] = time_us;
    order_.emplace_back(std::move(key), time_us);
    while (order_.size() > capacity_) {
        auto& [oldest, when] = order_.front();
        auto found = last_seen_us_.find(oldest);
        if (found != last_seen_us_.end() && found->second == when) last_seen_us_.erase(found);
        order_.pop_front();
    }
}

bool AnnouncedPackets::announced(const PacketInfo& packet, uint64_t time_us) const {
    auto found = last_seen_us_.find(announce_key(packet));
    if (found == last_seen_us_.end()) return false;
    return time_us <= found->second + window_us_;
}

void AnnouncedPackets::forget_older_than(uint64_t time_us) {
    while (!order_.empty() && order_.front().second < time_us) {
        auto found = last_seen_us_.find(order_.front().first);
        if (found != last_seen_us_.end() && found->second == order_.front().second)
            last_seen_us_.erase(found);
        order_.pop_front();
    }
}

}  // namespace ftnt::netfilter
