#include "track/step_join.h"

#include <algorithm>

namespace ftnt {
namespace {

bool same_addresses(const PacketTuple& a, const PacketTuple& b) {
    if (a.family != b.family || a.saddr != b.saddr || a.daddr != b.daddr) return false;
    if (!a.l4.empty() && !b.l4.empty() && a.l4 != b.l4) return false;
    if (a.has_ports && b.has_ports && (a.sport != b.sport || a.dport != b.dport)) return false;
    return true;
}

template <typename T, typename U>
bool agree(const std::optional<T>& known, U value) {
    return !known || *known == value;
}

}  // namespace

bool step_matches_packet(const netfilter::PacketInfo& step, const PacketDetails& packet) {
    if (!step.tuple || !same_addresses(*step.tuple, packet.tuple)) return false;
    if (packet.ip_id && !agree(step.ip_id, *packet.ip_id)) return false;
    if (packet.tuple.l4 == "TCP" && packet.has_l4 &&
        (!agree(step.tcp_seq, packet.seq) || !agree(step.tcp_ack, packet.ack)))
        return false;
    if (packet.icmp_type >= 0 &&
        (!agree(step.echo_id, packet.icmp_id) || !agree(step.echo_seq, packet.icmp_seq)))
        return false;
    return true;
}

void StepJoin::add(netfilter::TraceStep step, uint64_t received_ns) {
    if (waiting_.size() >= kMaxWaiting) waiting_.pop_front();
    waiting_.push_back({std::move(step), received_ns});
}

void StepJoin::take_for(Lifecycle& lifecycle) {
    auto belongs = [&](const Waiting& w) {
        if (w.received_ns < lifecycle.first_ns()) return false;  // read before the packet lived
        return std::any_of(lifecycle.events.begin(), lifecycle.events.end(),
                           [&](const PathEvent& e) {
                               return e.packet && step_matches_packet(w.step.packet, *e.packet);
                           });
    };
    for (auto it = waiting_.begin(); it != waiting_.end();) {
        if (belongs(*it)) {
            lifecycle.firewall.push_back(std::move(it->step));
            it = waiting_.erase(it);
        } else {
            ++it;
        }
    }
}

std::vector<netfilter::TraceStep> StepJoin::take_unjoined(uint64_t before_ns) {
    std::vector<netfilter::TraceStep> out;
    while (!waiting_.empty() && waiting_.front().received_ns < before_ns) {
        out.push_back(std::move(waiting_.front().step));
        waiting_.pop_front();
    }
    return out;
}

}  // namespace ftnt
