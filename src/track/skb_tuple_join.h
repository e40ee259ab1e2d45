// Remembers the tuple a tracepoint told for an skb address until that skb is dropped.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "decode/packet_tuple.h"

namespace ftnt {

class SkbTupleJoin {
  public:
    // skb addresses are reused once freed, so a remembered tuple older than max_age_ns is not
    // trusted: a reset or ICMP error and the drop of its skb happen within microseconds.
    explicit SkbTupleJoin(uint64_t max_age_ns = 1'000'000'000, std::size_t max_entries = 65536);

    void remember(uint64_t skb, uint64_t time_ns, const PacketTuple& tuple);
    // The tuple of a dropped skb; the entry is consumed.
    std::optional<PacketTuple> take(uint64_t skb, uint64_t time_ns);
    std::size_t size() const { return entries_.size(); }

  private:
    struct Entry {
        uint64_t time_ns;
        PacketTuple tuple;
    };
    void prune(uint64_t now_ns);

    uint64_t max_age_ns_;
    std::size_t max_entries_;
    std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace ftnt
