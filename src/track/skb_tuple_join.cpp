#include "track/skb_tuple_join.h"

namespace ftnt {

SkbTupleJoin::SkbTupleJoin(uint64_t max_age_ns, std::size_t max_entries)
    : max_age_ns_(max_age_ns), max_entries_(max_entries) {}

void SkbTupleJoin::remember(uint64_t skb, uint64_t time_ns, const PacketTuple& tuple) {
    if (entries_.size() >= max_entries_) prune(time_ns);
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[skb] = Entry{time_ns, tuple};
}

std::optional<PacketTuple> SkbTupleJoin::take(uint64_t skb, uint64_t time_ns) {
    auto it = entries_.find(skb);
    if (it == entries_.end()) return std::nullopt;
    Entry entry = std::move(it->second);
    entries_.erase(it);
    if (time_ns < entry.time_ns || time_ns - entry.time_ns > max_age_ns_) return std::nullopt;
    return entry.tuple;
}

void SkbTupleJoin::prune(uint64_t now_ns) {
    std::erase_if(entries_, [&](const auto& item) {
        return now_ns > item.second.time_ns && now_ns - item.second.time_ns > max_age_ns_;
    });
}

}  // namespace ftnt
