#include "track/lifecycle.h"

#include <algorithm>

namespace ftnt {

LifecycleTracker::LifecycleTracker(Emit emit) : emit_(std::move(emit)) {}

void LifecycleTracker::add(PathEvent event, bool matched) {
    emit_closed(event.time_ns, false);
    auto it = by_skb_.find(event.skb);
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
    if (!frees) return;
    lifecycle->live.erase(skb);
    by_skb_.erase(skb);
    if (lifecycle->live.empty()) finish(lifecycle);
}

void LifecycleTracker::returned(uint32_t tid, const std::string& func, int64_t value) {
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
    if (func == "skb_clone" && value) {
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
    closing_.push_back(lifecycle);
}

void LifecycleTracker::emit_closed(uint64_t now_ns, bool all) {
    std::size_t done = 0;
    while (done < closing_.size() && (all || now_ns > closing_[done]->last_ns() + kReturnGraceNs))
        emit_(*closing_[done++]);
    closing_.erase(closing_.begin(), closing_.begin() + static_cast<std::ptrdiff_t>(done));
}

}  // namespace ftnt
