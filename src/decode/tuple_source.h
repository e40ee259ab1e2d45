// Reads a packet's tuple and skb address from a tracepoint named in the catalog with join=drop.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "decode/event_formats.h"
#include "decode/packet_tuple.h"
#include "plan/catalog.h"

namespace ftnt {

struct SkbTuple {
    uint64_t skb = 0;
    PacketTuple tuple;
};

class TupleSource {
  public:
    // Throws UsageError (naming the catalog line) when the event lacks the fields it names.
    TupleSource(const CatalogEntry& entry, tep_event* event);
    std::optional<SkbTuple> decode(std::span<const uint8_t> raw) const;
    const std::string& name() const { return name_; }

  private:
    bool read_addresses(std::span<const uint8_t> raw, PacketTuple& tuple) const;

    std::string name_;
    std::string l4_;
    bool reply_ = false;
    FieldRef skb_, saddr_, daddr_, saddr_v6_, daddr_v6_, sport_, dport_, family_, require_;
};

}  // namespace ftnt
