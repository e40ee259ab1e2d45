#include "track/lifecycle.h"

namespace ftnt {

LifecycleTracker::LifecycleTracker(Emit emit) : emit_(std::move(emit)) {}

void LifecycleTracker::add(PathEvent event, bool matched) {
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
    last_entry_[event.tid] = {lifecycle, lifecycle->events.size(), event.func};
    lifecycle->events.push_back(std::move(event));
    if (!frees) return;
    lifecycle->live.erase(skb);
    by_skb_.erase(skb);
    if (lifecycle->live.empty()) finish(lifecycle);
}

void LifecycleTracker::returned(uint32_t tid, const std::string& func, int64_t value) {
    auto it = last_entry_.find(tid);
    if (it == last_entry_.end() || it->second.func != func) return;
    auto lifecycle = it->second.lifecycle.lock();
    if (!lifecycle || it->second.index >= lifecycle->events.size()) return;
    lifecycle->events[it->second.index].retval = value;
    if (func == "skb_clone" && value) {
        auto clone = static_cast<uint64_t>(value);
        lifecycle->live.insert(clone);
        by_skb_[clone] = lifecycle;
    }
    last_entry_.erase(it);
}

void LifecycleTracker::flush_idle(uint64_t now_ns, uint64_t idle_ns) {
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
}

void LifecycleTracker::finish(const std::shared_ptr<Lifecycle>& lifecycle) {
    emit_(*lifecycle);
}

}  // namespace ftnt
