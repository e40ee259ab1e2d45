// Tuples as events store them: socket addresses, ethertypes.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "core/packet_tuple.h"

namespace ftnt {

// A struct sockaddr_in/sockaddr_in6 as tracepoints store it (6.10+ tcp tracepoints):
// family at 0, port (network order) at 2, IPv4 address at 4 or IPv6 address at 8.
bool read_sockaddr(std::span<const uint8_t> bytes, int& family, std::array<uint8_t, 16>& address,
                   uint16_t& port);

// "IPv4", "IPv6", "ARP"... for an ethertype in host order; "0x88cc" when unnamed.
std::string ethertype_name(uint16_t ethertype);

}  // namespace ftnt
