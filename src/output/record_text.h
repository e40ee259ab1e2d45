// Pieces of text both formats share: packet descriptions, names of kernel values.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "decode/path_event.h"
#include "ftnettrace/firewall_step.h"

namespace ftnt {

// "HOST", "BROADCAST", "MULTICAST", "OTHERHOST", "OUTGOING", "LOOPBACK" (PACKET_* values).
std::string pkt_type_name(int pkt_type);
// "TCP 192.0.2.1:40000 -> 192.0.2.2:80 S seq 1 ack 0", "ICMP 192.0.2.1 -> 192.0.2.2 echo
// request id 7 seq 1", or the ethertype name when nothing more is known.
std::string describe_packet(const PathEvent& event);
// "02:00:00:00:00:01"
std::string mac_text(const std::array<uint8_t, 6>& mac);
// A return value; kernel pointers (skb_clone's) read as large negative numbers: in hex.
std::string format_retval(int64_t value);

// "filter:USERCHAIN:rule 1" (iptables) or "inet t:input:handle 3" (native nft).
std::string step_location(const netfilter::TraceStep& step);
// "ICMP 192.0.2.1 -> 192.0.2.2 echo request", "TCP 192.0.2.1:40000 -> 192.0.2.2:80 SYN".
std::string packet_text(const netfilter::PacketInfo& packet);

}  // namespace ftnt
