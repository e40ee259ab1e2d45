#include "track/lifecycle.h"

#include <algorithm>

namespace ftnt {

namespace {

// Whether two decoded headers can be the same packet: the same addresses and protocol, and
// where both tell them, ports, IPv4 id, TCP sequence number and flags, ICMP type/id/seq.
bool same_packet(const PacketDetails& a, const PacketDetails& b) {
    const auto &x = a.tuple, &y = b.tuple;
    if (x.family != y.family || x.saddr != y.saddr || x.daddr != y.daddr) return false;
    if (!x.l4.empty() && !y.l4.empty() && x.l4 != y.l4) return false;
    if (x.has_ports && y.has_ports && (x.sport != y.sport || x.dport != y.dport)) return false;
    if (a.ip_id && b.ip_id && *a.ip_id != *b.ip_id) return false;
    bool both_tcp = a.has_l4 && b.has_l4 && a.ip_protocol == 6 && b.ip_protocol == 6;
    if (both_tcp && (a.seq != b.seq || a.tcp_flags != b.tcp_flags)) return false;
    bool both_icmp = a.icmp_type >= 0 && b.icmp_type >= 0;
    if (both_icmp &&
        (a.icmp_type != b.icmp_type || a.icmp_id != b.icmp_id || a.icmp_seq != b.icmp_seq))
        return false;
    return true;
}

const PacketDetails* last_headers(const Lifecycle& lifecycle) {
    for (auto it = lifecycle.events.rbegin(); it != lifecycle.events.rend(); ++it)
        if (it->packet) return &*it->packet;
    return nullptr;
}

}  // namespace

LifecycleTracker::LifecycleTracker(Emit emit) : emit_(std::move(emit)) {}

void LifecycleTracker::release(uint64_t skb, const std::shared_ptr<Lifecycle>& lifecycle) {
    lifecycle->live.erase(skb);
    by_skb_.erase(skb);
    if (lifecycle->live.empty()) finish(lifecycle);
}

void LifecycleTracker::add(PathEvent event, bool matched) {
    emit_closed(event.time_ns, false);
    auto it = by_skb_.find(event.skb);
    if (it != by_skb_.end() && event.entry_point && event.packet) {
        auto before = last_headers(*it->second);
        if (before && !same_packet(*before, *event.packet)) {
            release(event.skb, std::shared_ptr<Lifecycle>(it->second));
            it = by_skb_.end();
        }
    }
    std::shared_ptr<Lifecycle> lifecycle;
    if (it != by_skb_.end()) {
        lifecycle = it->second;
    } else if (matched && event.skb) {
        lifecycle = std::make_shared<Lifecycle>();
        lifecycle->first_skb = event.skb;
        lifecycle->live.insert(event.skb);
        by_skb_[event.skb] = lifecycle;
    } else {
        return;
    }
    uint64_t skb = event.skb;
    bool frees = event.frees_skb;
    auto& entries = entries_[event.tid];
    if (entries.size() >= kEntriesPerTask) entries.erase(entries.begin());
    entries.push_back({lifecycle, lifecycle->events.size(), event.func});
    lifecycle->events.push_back(std::move(event));
    if (frees) release(skb, lifecycle);
}

void LifecycleTracker::returned(uint32_t tid, const std::string& func, int64_t value, bool clones) {
    auto task = entries_.find(tid);
    if (task == entries_.end()) return;
    auto& entries = task->second;
    auto it = std::find_if(entries.rbegin(), entries.rend(),
                           [&](const LastEntry& e) { return e.func == func; });
    if (it == entries.rend()) return;
    LastEntry entry = *it;
    entries.erase(std::next(it).base(), entries.end());
    if (entries.empty()) entries_.erase(task);
    auto lifecycle = entry.lifecycle.lock();
    if (!lifecycle || entry.index >= lifecycle->events.size()) return;
    lifecycle->events[entry.index].retval = value;
    // A clone returned after its block closed (its original's free came first) is not
    // followed: the block is shown once, as it was when it closed.
    if (clones && value && !lifecycle->closed) {
        auto clone = static_cast<uint64_t>(value);
        lifecycle->live.insert(clone);
        by_skb_[clone] = lifecycle;
    }
}

void LifecycleTracker::flush_idle(uint64_t now_ns, uint64_t idle_ns) {
    emit_closed(now_ns, false);
    std::vector<std::shared_ptr<Lifecycle>> idle;
    for (const auto& [skb, lifecycle] : by_skb_)
        if (now_ns > lifecycle->last_ns() + idle_ns) idle.push_back(lifecycle);
    for (const auto& lifecycle : idle) {
        for (auto skb : lifecycle->live) by_skb_.erase(skb);
        if (!lifecycle->live.empty()) {
            lifecycle->live.clear();
            finish(lifecycle);
        }
    }
}

void LifecycleTracker::flush_all() {
    flush_idle(UINT64_MAX, 0);
    emit_closed(UINT64_MAX, true);
}

void LifecycleTracker::finish(const std::shared_ptr<Lifecycle>& lifecycle) {
    if (lifecycle->closed) return;
    lifecycle->closed = true;
    closing_.push_back(lifecycle);
}

void LifecycleTracker::emit_closed(uint64_t now_ns, bool all) {
    std::size_t done = 0;
    while (done < closing_.size() && (all || now_ns > closing_[done]->last_ns() + kReturnGraceNs))
        emit_(*closing_[done++]);
    closing_.erase(closing_.begin(), closing_.begin() + static_cast<std::ptrdiff_t>(done));
}

}  // namespace ftnt
