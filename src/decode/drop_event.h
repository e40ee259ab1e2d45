// A decoded skb:kfree_skb record.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "decode/drop_point.h"
#include "decode/packet_tuple.h"
#include "discover/event_formats.h"

namespace ftnt {

struct DropEvent {
    uint64_t time_ns = 0;  // CLOCK_MONOTONIC
    uint32_t cpu = 0;
    uint32_t pid = 0;
    uint32_t tid = 0;
    uint64_t skb = 0;
    uint64_t location = 0;
    uint16_t protocol = 0;           // ethertype, host order
    std::optional<uint32_t> reason;  // absent before 5.17
    std::vector<uint64_t> stack;
    std::optional<PacketTuple> tuple;
    std::optional<MacAddresses> mac;      // from the drop-point kprobe, when mac_header is set
    std::optional<CapturedPacket> bytes;  // from the drop-point kprobe too
    std::string dev;                      // and the skb's device, when it has one
    uint32_t netns = 0;
};

class DropDecoder {
  public:
    explicit DropDecoder(tep_event* kfree_skb);
    bool has_reason() const { return static_cast<bool>(reason_); }
    // Fills the fields that come from the tracepoint record itself.
    bool decode(std::span<const uint8_t> raw, DropEvent& out) const;

  private:
    FieldRef skb_, location_, protocol_, reason_;
};

}  // namespace ftnt
