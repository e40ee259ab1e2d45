#include "decode/packet_headers.h"

#include <cstring>

namespace ftnt {
namespace {

constexpr uint16_t kEthIp = 0x0800, kEthIpv6 = 0x86dd;
constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1, kIcmpv6 = 58;

uint16_t be16(std::span<const uint8_t> b, std::size_t at) {
    return static_cast<uint16_t>(b[at] << 8 | b[at + 1]);
}

uint32_t be32(std::span<const uint8_t> b, std::size_t at) {
    return static_cast<uint32_t>(b[at]) << 24 | static_cast<uint32_t>(b[at + 1]) << 16 |
           static_cast<uint32_t>(b[at + 2]) << 8 | b[at + 3];
}

// Where the IP header starts in the window, checked by its version (and IHL for IPv4).
std::optional<std::size_t> ip_start(std::span<const uint8_t> w, filters::Layer layer,
                                    std::size_t version) {
    auto first = [&](std::size_t at) -> std::size_t { return at < w.size() ? w[at] : 0u; };
    switch (layer) {
        case filters::Layer::L2:
            return (first(14) >> 4) == version ? std::optional<std::size_t>(14) : std::nullopt;
        case filters::Layer::L3:
            return (first(0) >> 4) == version ? std::optional<std::size_t>(0) : std::nullopt;
        case filters::Layer::L4:
        case filters::Layer::IcmpBody:  // its window starts 48 bytes early: the same place
            if (version == 6)
                return (first(0) >> 4) == 6 ? std::optional<std::size_t>(0) : std::nullopt;
            // The window starts 40 bytes before the transport header: an IPv4 header of
            // IHL words ends exactly there.
            for (std::size_t ihl = 5; ihl <= 10; ++ihl)
                if (first(40 - 4 * ihl) == (0x40u | ihl)) return 40 - 4 * ihl;
            return std::nullopt;
        default:
            return std::nullopt;
    }
}

void decode_l4(std::span<const uint8_t> w, std::size_t at, PacketDetails& d) {
    auto need = [&](std::size_t n) { return at + n <= w.size(); };
    d.tuple.l4 = d.ip_protocol == kTcp      ? "TCP"
                 : d.ip_protocol == kUdp    ? "UDP"
                 : d.ip_protocol == kIcmp   ? "ICMP"
                 : d.ip_protocol == kIcmpv6 ? "ICMPv6"
                                            : "";
    if ((d.ip_protocol == kTcp || d.ip_protocol == kUdp) && need(4)) {
        d.tuple.sport = be16(w, at);
        d.tuple.dport = be16(w, at + 2);
        d.tuple.has_ports = true;
        d.has_l4 = true;
    }
    if (d.ip_protocol == kTcp && need(14)) {
        d.seq = be32(w, at + 4);
        d.ack = be32(w, at + 8);
        d.tcp_flags = w[at + 13];
        d.tcp_header = true;
    }
    if ((d.ip_protocol == kIcmp || d.ip_protocol == kIcmpv6) && need(8)) {
        d.icmp_type = w[at];
        d.icmp_code = w[at + 1];
        if (icmp_has_id_seq(d.tuple.family, d.icmp_type)) {
            d.icmp_id = be16(w, at + 4);
            d.icmp_seq = be16(w, at + 6);
        }
        d.has_l4 = true;
    }
}

}  // namespace

std::optional<PacketDetails> decode_headers(std::span<const uint8_t> w, filters::Layer layer,
                                            uint16_t ethertype) {
    PacketDetails d;
    // skb->protocol is 0 until __ip_local_out sets it: the IP header tells the family there.
    if (ethertype == 0 && layer == filters::Layer::L3 && !w.empty())
        ethertype = (w[0] >> 4) == 4 ? kEthIp : (w[0] >> 4) == 6 ? kEthIpv6 : 0;
    if (ethertype == kEthIp) {
        auto ip = ip_start(w, layer, 4);
        if (!ip || *ip + 20 > w.size()) return std::nullopt;
        d.tuple.family = 4;
        d.ip_offset = *ip;
        d.ip_protocol = w[*ip + 9];
        d.ip_id = be16(w, *ip + 4);
        std::memcpy(d.tuple.saddr.data(), &w[*ip + 12], 4);
        std::memcpy(d.tuple.daddr.data(), &w[*ip + 16], 4);
        bool first_fragment = (be16(w, *ip + 6) & 0x1fff) == 0;
        if (first_fragment) decode_l4(w, *ip + (w[*ip] & 0x0f) * 4u, d);
        return d;
    }
    if (ethertype == kEthIpv6) {
        auto ip = ip_start(w, layer, 6);
        if (!ip || *ip + 40 > w.size()) return std::nullopt;
        d.tuple.family = 6;
        d.ip_offset = *ip;
        d.ip_protocol = w[*ip + 6];
        std::memcpy(d.tuple.saddr.data(), &w[*ip + 8], 16);
        std::memcpy(d.tuple.daddr.data(), &w[*ip + 24], 16);
        decode_l4(w, *ip + 40, d);
        return d;
    }
    return std::nullopt;
}

bool icmp_has_id_seq(int family, int type) {
    if (family == 6) return type == 128 || type == 129;
    return type == 0 || type == 8 || (type >= 13 && type <= 16);
}

std::string icmp_description(int family, int type, int code) {
    if (family == 4) {
        if (type == 8) return "echo request";
        if (type == 0) return "echo reply";
        if (type == 3 && code == 3) return "port unreachable";
        if (type == 3) return "unreachable code " + std::to_string(code);
        if (type == 11) return "time exceeded";
    } else {
        if (type == 128) return "echo request";
        if (type == 129) return "echo reply";
        if (type == 1 && code == 4) return "port unreachable";
        if (type == 135) return "neighbour solicitation";
        if (type == 136) return "neighbour advertisement";
    }
    return "type " + std::to_string(type) + " code " + std::to_string(code);
}

}  // namespace ftnt
