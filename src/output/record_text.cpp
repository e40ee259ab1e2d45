#include "output/record_text.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "core/tcp_flags.h"
#include "decode/packet_headers.h"
#include "output/json_writer.h"

namespace ftnt {

std::string pkt_type_name(int pkt_type) {
    static const char* kNames[] = {"HOST",      "BROADCAST", "MULTICAST",
                                   "OTHERHOST", "OUTGOING",  "LOOPBACK"};
    if (pkt_type >= 0 && pkt_type < 6) return kNames[pkt_type];
    return pkt_type < 0 ? "-" : std::to_string(pkt_type);
}

std::string describe_packet(const PathEvent& e) {
    if (!e.packet) return e.ethertype ? ethertype_name(e.ethertype) : "-";
    const auto& p = *e.packet;
    std::ostringstream out;
    out << (p.tuple.l4.empty() ? (p.tuple.family == 6 ? "IPv6" : "IPv4") : p.tuple.l4) << ' '
        << p.tuple.source() << " -> " << p.tuple.destination();
    if (p.tcp_header)
        out << ' ' << tcp_flag_letters(p.tcp_flags) << " seq " << p.seq << " ack " << p.ack;
    if (p.icmp_type >= 0) {
        out << ' ' << icmp_description(p.tuple.family, p.icmp_type, p.icmp_code);
        if (icmp_has_id_seq(p.tuple.family, p.icmp_type))
            out << " id " << p.icmp_id << " seq " << p.icmp_seq;
    }
    return out.str();
}

std::string mac_text(const std::array<uint8_t, 6>& mac) {
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                  mac[3], mac[4], mac[5]);
    return text;
}

std::string format_retval(int64_t value) {
    return value < -4096 ? hex_string(static_cast<uint64_t>(value)) : std::to_string(value);
}

std::string step_location(const netfilter::TraceStep& s) {
    std::string where = s.backend == "nft" ? s.family + " " + s.table : s.table;
    where += ":" + s.chain + ":";
    if (s.kind != "rule") return where + s.kind;
    if (s.backend == "nft") return where + "handle " + (s.handle ? std::to_string(*s.handle) : "?");
    where += "rule " + (s.rule ? std::to_string(*s.rule) : std::string("?"));
    if (s.handle) where += " (handle " + std::to_string(*s.handle) + ")";
    return where;
}

std::string packet_text(const netfilter::PacketInfo& packet) {
    if (!packet.tuple) return "(no headers)";
    const auto& t = *packet.tuple;
    std::string text = (t.l4.empty() ? std::string(t.family == 6 ? "IPv6" : "IPv4") : t.l4) + " ";
    text += t.has_ports ? t.source() + " -> " + t.destination()
                        : t.saddr_text() + " -> " + t.daddr_text();
    if (packet.icmp_type >= 0)
        text += " " + icmp_description(t.family, packet.icmp_type, std::max(packet.icmp_code, 0));
    if (packet.tcp_flags) text += " " + tcp_flag_names(packet.tcp_flags);
    return text;
}

}  // namespace ftnt
