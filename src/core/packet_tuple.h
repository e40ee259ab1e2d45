// Addresses and ports of a packet, as far as an event or a firewall step tells them.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "ftnettrace/packet_filter.h"

namespace ftnt {

struct PacketTuple {
    int family = 0;  // 4 or 6
    std::array<uint8_t, 16> saddr = {};
    std::array<uint8_t, 16> daddr = {};
    uint16_t sport = 0;
    uint16_t dport = 0;
    bool has_ports = false;
    std::string l4;  // "TCP", "UDP", ... or "" when unknown

    PacketTuple reversed() const;
    std::string source() const;  // "192.0.2.1:40000" or "[2001:db8::1]:40000"
    std::string destination() const;
    std::string saddr_text() const;
    std::string daddr_text() const;
};

// The tuple as the user-space twin of the kernel filter takes it (filters::PacketFilter).
filters::TupleFacts to_facts(const PacketTuple& tuple, uint16_t ethertype = 0);

std::string format_ip(int family, const std::array<uint8_t, 16>& bytes);

}  // namespace ftnt
