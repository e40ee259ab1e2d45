// Decoding of the header window a path probe fetched: IPv4/IPv6, then TCP, UDP or ICMP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "decode/packet_tuple.h"
#include "ftnettrace/probe_filter.h"

namespace ftnt {

struct PacketDetails {
    PacketTuple tuple;
    uint8_t ip_protocol = 0;
    uint8_t tcp_flags = 0;  // FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20
    uint32_t seq = 0, ack = 0;
    int icmp_type = -1, icmp_code = -1;
    uint16_t icmp_id = 0, icmp_seq = 0;
    bool has_l4 = false;
    std::optional<uint16_t> ip_id;  // IPv4 identification
};

// `window` starts at header_window_offset(layer) from skb->data; `ethertype` is host order.
std::optional<PacketDetails> decode_headers(std::span<const uint8_t> window, filters::Layer layer,
                                            uint16_t ethertype);

// "SA", "R", "FPA"... in the order S A F R P U (the order mytracer and nettrace print).
std::string tcp_flag_letters(uint8_t flags);
// "echo request", "echo reply", "port unreachable"... or "type 13 code 0".
std::string icmp_description(int family, int type, int code);

}  // namespace ftnt
