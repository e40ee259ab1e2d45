// Decoding of the header window a path probe fetched: IPv4/IPv6, then TCP, UDP or ICMP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/tcp_flags.h"
#include "decode/packet_tuple.h"
#include "ftnettrace/probe_filter.h"

namespace ftnt {

struct PacketDetails {
    PacketTuple tuple;
    uint8_t ip_protocol = 0;
    bool tcp_header = false;  // flags, seq and ack were read (not from a socket's tuple)
    uint8_t tcp_flags = 0;    // bits of core/tcp_flags.h
    uint32_t seq = 0, ack = 0;
    int icmp_type = -1, icmp_code = -1;
    uint16_t icmp_id = 0, icmp_seq = 0;  // only where icmp_has_id_seq()
    bool has_l4 = false;
    std::optional<uint16_t> ip_id;  // IPv4 identification
    std::size_t ip_offset = 0;      // where the IP header starts in the window
};

// `window` starts at header_window_offset(layer) from skb->data; `ethertype` is host order.
std::optional<PacketDetails> decode_headers(std::span<const uint8_t> window, filters::Layer layer,
                                            uint16_t ethertype);

// Whether an ICMP (family 4) or ICMPv6 (6) message of this type has an identifier and a
// sequence number: echo request and reply (and ICMP's timestamp and information messages,
// RFC 792). An error such as port unreachable has neither.
bool icmp_has_id_seq(int family, int type);
// "echo request", "echo reply", "port unreachable"... or "type 13 code 0".
std::string icmp_description(int family, int type, int code);

}  // namespace ftnt
