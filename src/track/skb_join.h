// Remembers what one record told about an skb address until the record of that skb's drop
// takes it: the tuple a tracepoint named (drop-join.def), or the headers the drop-point
// kprobe read on entry of the drop function.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace ftnt {

template <typename Value>
class SkbJoin {
  public:
    // skb addresses are reused once freed: an entry older than max_age_ns belongs to an skb
    // whose drop never came, and is not trusted.
    SkbJoin(uint64_t max_age_ns, std::size_t max_entries)
        : max_age_ns_(max_age_ns), max_entries_(max_entries) {}

    void remember(uint64_t skb, uint64_t time_ns, const Value& value) {
        if (entries_.size() >= max_entries_)
            std::erase_if(entries_,
                          [&](const auto& item) { return too_old(item.second, time_ns); });
        if (entries_.size() >= max_entries_) entries_.clear();
        entries_[skb] = Entry{time_ns, value};
    }

    // The value for a dropped skb; the entry is consumed.
    std::optional<Value> take(uint64_t skb, uint64_t time_ns) {
        auto it = entries_.find(skb);
        if (it == entries_.end()) return std::nullopt;
        Entry entry = std::move(it->second);
        entries_.erase(it);
        if (time_ns < entry.time_ns || too_old(entry, time_ns)) return std::nullopt;
        return std::move(entry.value);
    }

    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        uint64_t time_ns;
        Value value;
    };
    bool too_old(const Entry& entry, uint64_t now_ns) const {
        return now_ns > entry.time_ns && now_ns - entry.time_ns > max_age_ns_;
    }

    uint64_t max_age_ns_;
    std::size_t max_entries_;
    std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace ftnt
