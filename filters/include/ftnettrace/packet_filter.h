// The packet a user names with -s -d --addr -S -D -P -p, parsed and checked once.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ftnettrace/filters.h"

namespace ftnt::filters {

struct Address {
    int family = 0;  // 4 or 6
    std::array<uint8_t, 16> bytes = {};
    std::string text;  // as the user wrote it, normalized ("2001:db8::1")
};

struct FilterFlags {  // raw command-line text; empty = not given
    std::string saddr, daddr, addr, sport, dport, port, proto;
};

// What a decoded packet tells about itself, for the check user space makes.
struct TupleFacts {
    int family = 0;
    std::array<uint8_t, 16> saddr = {}, daddr = {};
    bool has_ports = false;
    uint16_t sport = 0, dport = 0;
    std::string transport;  // "TCP", "UDP", "ICMP", "ICMPv6" or ""
    uint16_t ethertype = 0;
};

struct PacketFilter {
    std::optional<Address> saddr, daddr, addr;
    std::optional<uint16_t> sport, dport, port;
    ProtocolChoice protocols;

    bool empty() const;
    // 4 or 6 when the addresses name one family, 0 when either may match.
    int family() const;
    // The same decision the kernel filter makes, on a decoded packet.
    bool matches(const TupleFacts& packet) const;
};

// Throws FilterError with the reason ("-s: '10.0.0.300' is not an IPv4 or IPv6 address").
PacketFilter parse_packet_filter(const FilterFlags& flags);
std::optional<Address> parse_address(const std::string& text);

}  // namespace ftnt::filters
