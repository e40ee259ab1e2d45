#include "track/drop_point_join.h"

namespace ftnt {

DropPointJoin::DropPointJoin(uint64_t max_age_ns, std::size_t max_entries)
    : max_age_ns_(max_age_ns), max_entries_(max_entries) {}

void DropPointJoin::remember(uint64_t time_ns, const DropHeaders& headers) {
    if (entries_.size() >= max_entries_)
        std::erase_if(entries_, [&](const auto& item) {
            return time_ns > item.second.time_ns && time_ns - item.second.time_ns > max_age_ns_;
        });
    if (entries_.size() >= max_entries_) entries_.clear();
    entries_[headers.skb] = Entry{time_ns, headers};
}

std::optional<DropHeaders> DropPointJoin::take(uint64_t skb, uint64_t time_ns) {
    auto it = entries_.find(skb);
    if (it == entries_.end()) return std::nullopt;
    Entry entry = std::move(it->second);
    entries_.erase(it);
    if (time_ns < entry.time_ns || time_ns - entry.time_ns > max_age_ns_) return std::nullopt;
    return entry.headers;
}

}  // namespace ftnt
