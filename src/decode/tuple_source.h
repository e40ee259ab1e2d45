// Reads a packet's tuple and skb address from a tracepoint named in the catalog with join=drop
// (the plan hands on what the catalog line says, decode/ does not read the catalog).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "decode/packet_tuple.h"
#include "discover/event_formats.h"
#include "plan/tuple_source_spec.h"

namespace ftnt {

struct SkbTuple {
    uint64_t skb = 0;
    PacketTuple tuple;
};

// The addresses and ports a tracepoint carries, in whichever layout its kernel has:
// saddr/daddr[4] with saddr_v6/daddr_v6[16], sport, dport and family (tcp tracepoints before
// 6.10, icmp:icmp_send), or saddr/daddr as a struct sockaddr_in6 of 28 bytes (6.10+).
class TracepointAddresses {
  public:
    TracepointAddresses() = default;
    explicit TracepointAddresses(tep_event* event);
    // The event has saddr and daddr.
    explicit operator bool() const { return saddr_ && daddr_; }
    // Addresses as the record names them (saddr is the source); false when unreadable.
    bool read(std::span<const uint8_t> raw, PacketTuple& tuple) const;

  private:
    FieldRef saddr_, daddr_, saddr_v6_, daddr_v6_, sport_, dport_, family_;
};

class TupleSource {
  public:
    // Throws UsageError (naming the catalog line) when the event lacks the fields it names.
    TupleSource(const TupleSourceSpec& spec, tep_event* event);
    std::optional<SkbTuple> decode(std::span<const uint8_t> raw) const;
    const std::string& name() const { return name_; }

  private:
    std::string name_;
    std::string l4_;
    bool reply_ = false;
    FieldRef skb_, require_;
    TracepointAddresses addresses_;
};

}  // namespace ftnt
