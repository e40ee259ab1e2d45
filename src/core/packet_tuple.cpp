#include "core/packet_tuple.h"

#include <arpa/inet.h>
#include <sys/socket.h>

namespace ftnt {

PacketTuple PacketTuple::reversed() const {
    PacketTuple out = *this;
    std::swap(out.saddr, out.daddr);
    std::swap(out.sport, out.dport);
    return out;
}

filters::TupleFacts to_facts(const PacketTuple& t, uint16_t ethertype) {
    filters::TupleFacts f;
    f.family = t.family;
    f.saddr = t.saddr;
    f.daddr = t.daddr;
    f.has_ports = t.has_ports;
    f.sport = t.sport;
    f.dport = t.dport;
    f.transport = t.l4;
    f.ethertype = ethertype;
    return f;
}

std::string format_ip(int family, const std::array<uint8_t, 16>& bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family == 6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
    return text;
}

std::string PacketTuple::saddr_text() const {
    return format_ip(family, saddr);
}
std::string PacketTuple::daddr_text() const {
    return format_ip(family, daddr);
}

namespace {

std::string endpoint(int family, const std::array<uint8_t, 16>& address, uint16_t port,
                     bool has_port) {
    std::string ip = format_ip(family, address);
    if (!has_port) return ip;
    return (family == 6 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

}  // namespace

std::string PacketTuple::source() const {
    return endpoint(family, saddr, sport, has_ports);
}
std::string PacketTuple::destination() const {
    return endpoint(family, daddr, dport, has_ports);
}

}  // namespace ftnt
