// The headers of a dropped packet as the drop-point kprobe read them: skb->head, skb->data,
// the u16 offsets of the network and MAC headers from head, and a window of bytes around
// skb->data (plan/drop_point_plan.h).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "decode/packet_bytes.h"
#include "decode/packet_tuple.h"
#include "discover/event_formats.h"

namespace ftnt {

struct MacAddresses {
    std::array<uint8_t, 6> source = {};
    std::array<uint8_t, 6> destination = {};
};
// "02:00:00:00:00:01"
std::string format_mac(const std::array<uint8_t, 6>& mac);

struct DropHeaders {
    uint64_t skb = 0;
    std::optional<PacketTuple> tuple;
    std::optional<MacAddresses> mac;
    std::optional<CapturedPacket> bytes;  // from the Ethernet header when fetched, else IP
    std::string dev;                      // skb->dev's name, "" when there is none
    uint32_t netns = 0;                   // skb->dev's netns inode
};

struct DropPointFetch {
    uint64_t head = 0, data = 0;
    uint16_t network_header = 0xffff, mac_header = 0xffff;  // 0xffff: not set
    uint16_t ethertype = 0;                                 // host order
    std::span<const uint8_t> window;  // starts `window_before` bytes before data
    int window_before = 0;
};

// Finds the IP header at head + network_header and the Ethernet header at head + mac_header
// inside the window (bytes before skb->head are not the packet's and are never read).
DropHeaders headers_at_drop_point(const DropPointFetch& fetch);

class DropPointDecoder {
  public:
    DropPointDecoder(tep_event* event, int window_before);
    std::optional<DropHeaders> decode(std::span<const uint8_t> raw) const;

  private:
    int window_before_;
    FieldRef skb_, protocol_, head_, data_, nh_, mh_, hdr_, dev_, devp_, netns_;
};

}  // namespace ftnt
