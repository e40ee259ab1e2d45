// Joins the drop-point kprobe's headers to the skb:kfree_skb record of the same skb: the
// kprobe fires on entry of the drop function, the tracepoint inside it, on the same CPU.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "decode/drop_point.h"

namespace ftnt {

class DropPointJoin {
  public:
    // The two records are microseconds apart; a remembered entry older than max_age_ns
    // belongs to an skb whose tracepoint never came (its address may be reused since).
    explicit DropPointJoin(uint64_t max_age_ns = 100'000'000, std::size_t max_entries = 4096);

    void remember(uint64_t time_ns, const DropHeaders& headers);
    // The headers of a dropped skb; the entry is consumed.
    std::optional<DropHeaders> take(uint64_t skb, uint64_t time_ns);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        uint64_t time_ns;
        DropHeaders headers;
    };
    uint64_t max_age_ns_;
    std::size_t max_entries_;
    std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace ftnt
