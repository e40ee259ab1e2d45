#include "decode/packet_tuple.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstdio>
#include <cstring>

namespace ftnt {

bool read_sockaddr(std::span<const uint8_t> bytes, int& family, std::array<uint8_t, 16>& address,
                   uint16_t& port) {
    if (bytes.size() < 16) return false;
    uint16_t sa_family, be_port;
    std::memcpy(&sa_family, bytes.data(), 2);
    std::memcpy(&be_port, bytes.data() + 2, 2);
    port = ntohs(be_port);
    address = {};
    if (sa_family == AF_INET) {
        family = 4;
        std::memcpy(address.data(), bytes.data() + 4, 4);
        return true;
    }
    if (sa_family == AF_INET6 && bytes.size() >= 24) {
        family = 6;
        std::memcpy(address.data(), bytes.data() + 8, 16);
        return true;
    }
    return false;
}

std::string ethertype_name(uint16_t ethertype) {
    switch (ethertype) {
        case 0x0800:
            return "IPv4";
        case 0x86dd:
            return "IPv6";
        case 0x0806:
            return "ARP";
        case 0x8100:
            return "802.1Q";
        case 0x88a8:
            return "802.1ad";
        case 0x8847:
            return "MPLS";
        case 0x8864:
            return "PPPoE";
        case 0x0004:
            return "802.2";
        case 0x0003:
            return "ALL";
        case 0x0000:
            return "none";
        default:
            break;
    }
    char text[8];
    std::snprintf(text, sizeof text, "0x%04x", ethertype);
    return text;
}

}  // namespace ftnt
