#include "ftnettrace/packet_filter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ftnt::filters {
namespace {

// At most 40 bytes of the user's text in a message, anything but printable ASCII as '?'.
std::string shown(const std::string& text) {
    std::string out = text.substr(0, 40);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    return text.size() > 40 ? out + "..." : out;
}

std::optional<Address> parse_flag_address(const std::string& flag, const std::string& text) {
    if (text.empty()) return std::nullopt;
    auto address = parse_address(text);
    if (!address)
        throw FilterError(flag + ": '" + shown(text) + "' is not an IPv4 or IPv6 address");
    return address;
}

std::optional<uint16_t> parse_port(const std::string& flag, const std::string& text) {
    if (text.empty()) return std::nullopt;
    unsigned value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value > 65535)
        throw FilterError(flag + ": '" + shown(text) + "' is not a port (0-65535)");
    return static_cast<uint16_t>(value);
}

}  // namespace

std::optional<Address> parse_address(const std::string& text) {
    Address out;
    char normalized[INET6_ADDRSTRLEN] = {};
    if (::inet_pton(AF_INET, text.c_str(), out.bytes.data()) == 1) {
        out.family = 4;
        ::inet_ntop(AF_INET, out.bytes.data(), normalized, sizeof normalized);
    } else if (::inet_pton(AF_INET6, text.c_str(), out.bytes.data()) == 1) {
        out.family = 6;
        ::inet_ntop(AF_INET6, out.bytes.data(), normalized, sizeof normalized);
    } else {
        return std::nullopt;
    }
    out.text = normalized;
    return out;
}

bool PacketFilter::empty() const {
    return !saddr && !daddr && !addr && !sport && !dport && !port && protocols.empty();
}

int PacketFilter::family() const {
    int family = 0;
    for (const auto* a : {&saddr, &daddr, &addr})
        if (*a) family = (*a)->family;
    return family;
}

bool PacketFilter::matches(const TupleFacts& p) const {
    auto same = [&](const Address& a, const std::array<uint8_t, 16>& bytes) {
        std::size_t n = a.family == 4 ? 4 : 16;
        return a.family == p.family &&
               std::equal(bytes.begin(), bytes.begin() + n, a.bytes.begin());
    };
    if (saddr && !same(*saddr, p.saddr)) return false;
    if (daddr && !same(*daddr, p.daddr)) return false;
    if (addr && !same(*addr, p.saddr) && !same(*addr, p.daddr)) return false;
    if ((sport || dport || port) && !p.has_ports) return false;
    if (sport && *sport != p.sport) return false;
    if (dport && *dport != p.dport) return false;
    if (port && *port != p.sport && *port != p.dport) return false;
    bool by_transport = !protocols.transports.empty();
    bool transport_ok = !by_transport;
    for (const auto& t : protocols.transports) {
        std::string upper = p.transport;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (t == upper || (t == "ICMP" && upper == "ICMPV6")) transport_ok = true;
    }
    if (!transport_ok) return false;
    if (!by_transport && !protocols.ethertypes.empty()) {
        bool any = false;
        for (auto e : protocols.ethertypes) any = any || e == p.ethertype;
        return any;
    }
    return true;
}

PacketFilter parse_packet_filter(const FilterFlags& flags) {
    PacketFilter f;
    f.saddr = parse_flag_address("-s/--saddr", flags.saddr);
    f.daddr = parse_flag_address("-d/--daddr", flags.daddr);
    f.addr = parse_flag_address("--addr", flags.addr);
    int family = 0;
    for (const auto* a : {&f.saddr, &f.daddr, &f.addr}) {
        if (!*a) continue;
        if (family && family != (*a)->family)
            throw FilterError("addresses of both IPv4 and IPv6 can never match one packet");
        family = (*a)->family;
    }
    f.sport = parse_port("-S/--sport", flags.sport);
    f.dport = parse_port("-D/--dport", flags.dport);
    f.port = parse_port("-P/--port", flags.port);
    f.protocols = parse_protocols(flags.proto);
    return f;
}

}  // namespace ftnt::filters
