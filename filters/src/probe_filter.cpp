#include "ftnettrace/probe_filter.h"

#include <algorithm>
#include <cstring>
#include <sstream>

namespace ftnt::filters {
namespace {

constexpr uint16_t kEthIpBe = 0x0008;    // ETH_P_IP as a u16 read from network order
constexpr uint16_t kEthIpv6Be = 0xdd86;  // ETH_P_IPV6
constexpr uint16_t kAfInet = 2, kAfInet6 = 10;

uint8_t ip_protocol(const std::string& transport, int family) {
    if (transport == "TCP") return 6;
    if (transport == "UDP") return 17;
    if (transport == "ICMP") return family == 6 ? 58 : 1;
    if (transport == "ICMPV6") return 58;
    if (transport == "SCTP") return 132;
    return 0;
}

std::string hex(uint64_t v) {
    std::ostringstream out;
    out << "0x" << std::hex << v;
    return out.str();
}

uint64_t u64_at(const std::array<uint8_t, 16>& bytes, int at) {
    uint64_t v;
    std::memcpy(&v, bytes.data() + at, 8);
    return v;
}

uint32_t u32_at(const std::array<uint8_t, 16>& bytes) {
    uint32_t v;
    std::memcpy(&v, bytes.data(), 4);
    return v;
}

std::string any(const std::vector<std::string>& alternatives) {
    if (alternatives.size() == 1) return alternatives[0];
    std::string out;
    for (const auto& a : alternatives) out += (out.empty() ? "(" : " || ") + a;
    return out + ")";
}

std::string all(const std::vector<std::string>& conditions) {
    std::string out;
    for (const auto& c : conditions)
        if (!c.empty()) out += (out.empty() ? "" : " && ") + c;
    return out;
}

// Builds the conditions of one address family from fields named with `suffix` (4 or 6).
class FamilyClause {
  public:
    FamilyClause(const PacketFilter& f, int family) : f_(f), family_(family) {}

    std::string build(std::vector<FieldNeed>& fields, const std::vector<FieldNeed>& layout) {
        std::vector<std::string> conditions;
        // The fetched field's name, "" when the layout has none. IPv4 and IPv6 put the
        // ports and the protocol at different offsets from an L2/L3 skb->data: the second
        // family's copy gets its own name ("dp6").
        auto need = [&](const std::string& name) -> std::string {
            for (const auto& field : layout) {
                if (field.name != name) continue;
                for (const std::string& candidate : {name, name + std::to_string(family_)}) {
                    auto have = std::find_if(fields.begin(), fields.end(), [&](const FieldNeed& f) {
                        return f.name == candidate;
                    });
                    if (have == fields.end()) {
                        FieldNeed added = field;
                        added.name = candidate;
                        fields.push_back(added);
                        return candidate;
                    }
                    if (have->offset == field.offset && have->from == field.from) return candidate;
                }
                return "";
            }
            return "";
        };
        auto address = [&](const Address& a, const char* src, const char* src_lo, const char* dst,
                           const char* dst_lo, bool either) {
            std::vector<std::string> sides;
            for (auto [hi_name, lo_name] : {std::pair{src, src_lo}, std::pair{dst, dst_lo}}) {
                std::string hi = need(hi_name);
                if (hi.empty()) return;
                if (family_ == 4) {
                    sides.push_back(hi + " == " + hex(u32_at(a.bytes)));
                } else {
                    std::string lo = need(lo_name);
                    sides.push_back("(" + hi + " == " + hex(u64_at(a.bytes, 0)) + " && " + lo +
                                    " == " + hex(u64_at(a.bytes, 8)) + ")");
                }
                if (!either) break;
            }
            conditions.push_back(any(sides));
        };
        const char* s = family_ == 4 ? "s4" : "s6";
        const char* s_lo = family_ == 4 ? "" : "s6l";
        const char* d = family_ == 4 ? "d4" : "d6";
        const char* d_lo = family_ == 4 ? "" : "d6l";
        if (f_.saddr) address(*f_.saddr, s, s_lo, d, d_lo, false);
        if (f_.daddr) address(*f_.daddr, d, d_lo, s, s_lo, false);
        if (f_.addr) address(*f_.addr, s, s_lo, d, d_lo, true);
        port(conditions, need, f_.sport, "sp", nullptr);
        port(conditions, need, f_.dport, "dp", nullptr);
        port(conditions, need, f_.port, "sp", "dp");
        std::vector<std::string> protocols;
        for (const auto& t : f_.protocols.transports) {
            auto p = ip_protocol(t, family_);
            if (std::string ipp = p ? need("ipp") : ""; !ipp.empty())
                protocols.push_back(ipp + " == " + std::to_string(p));
        }
        if (!protocols.empty()) conditions.push_back(any(protocols));
        return all(conditions);
    }

  private:
    template <typename Need>
    void port(std::vector<std::string>& conditions, Need& need, const std::optional<uint16_t>& p,
              const char* one, const char* other) {
        if (!p) return;
        std::vector<std::string> sides;
        for (const char* name : {one, other}) {
            std::string fetched = name ? need(name) : "";
            if (fetched.empty()) continue;
            sides.push_back(fetched + " == " + std::to_string(value_of_port(name, *p)));
        }
        if (!sides.empty()) conditions.push_back(any(sides));
    }
    uint16_t value_of_port(const char* name, uint16_t port) const {
        // skc_num is kept in host order; every other port field is read from network order.
        return sock_num_name_ && std::strcmp(name, sock_num_name_) == 0 ? port : swap16(port);
    }

  public:
    const char* sock_num_name_ = nullptr;

  private:
    const PacketFilter& f_;
    int family_;
};

std::vector<FieldNeed> header_layout(int family, Layer layer) {
    int ip = family == 4 ? ipv4_header_offset(layer) : ipv6_header_offset(layer);
    int l4 = ip + (family == 4 ? 20 : 40);
    using From = FieldNeed::From;
    if (family == 4)
        return {{"s4", From::Data, ip + 12, 4},
                {"d4", From::Data, ip + 16, 4},
                {"ipp", From::Data, ip + 9, 1},
                {"sp", From::Data, l4, 2},
                {"dp", From::Data, l4 + 2, 2}};
    return {{"s6", From::Data, ip + 8, 8},  {"s6l", From::Data, ip + 16, 8},
            {"d6", From::Data, ip + 24, 8}, {"d6l", From::Data, ip + 32, 8},
            {"ipp", From::Data, ip + 6, 1}, {"sp", From::Data, l4, 2},
            {"dp", From::Data, l4 + 2, 2}};
}

std::vector<FieldNeed> sock_layout(int family, const SockLayout& s) {
    using From = FieldNeed::From;
    std::vector<FieldNeed> out;
    auto add = [&](const char* name, int offset, unsigned size) {
        if (offset >= 0) out.push_back({name, From::Sock, offset, size});
    };
    if (family == 4) {
        add("s4", s.rcv_saddr, 4);
        add("d4", s.daddr, 4);
    } else {
        add("s6", s.v6_rcv_saddr, 8);
        add("s6l", s.v6_rcv_saddr < 0 ? -1 : s.v6_rcv_saddr + 8, 8);
        add("d6", s.v6_daddr, 8);
        add("d6l", s.v6_daddr < 0 ? -1 : s.v6_daddr + 8, 8);
    }
    add("spn", s.num, 2);
    add("dp", s.dport, 2);
    return out;
}

FieldNeed ip_version_field() {
    // The high nibble of the first header byte: fetched as bitfield b4@4/8.
    return {"ipv", FieldNeed::From::Data, 0, 0};
}

}  // namespace

uint32_t swap32(uint32_t v) {
    return __builtin_bswap32(v);
}
uint16_t swap16(uint16_t v) {
    return __builtin_bswap16(v);
}

int ipv4_header_offset(Layer layer) {
    switch (layer) {
        case Layer::L2:
            return 14;
        case Layer::L4:
            return -20;
        case Layer::IcmpBody:
            return -28;
        default:
            return 0;
    }
}

int ipv6_header_offset(Layer layer) {
    switch (layer) {
        case Layer::L2:
            return 14;
        case Layer::L4:
            return -40;
        case Layer::IcmpBody:
            return -48;
        default:
            return 0;
    }
}

namespace {

// "(c0s == X || c1s == X || ...)" over the shifted reads of one conntrack field.
std::string conntrack_any(std::vector<FieldNeed>& fields, const char* tag, int offset,
                          unsigned size, const std::string& value) {
    std::vector<std::string> reads;
    for (int k = 0; k < kConntrackShifts; ++k) {
        std::string name = "c" + std::to_string(k) + tag;
        bool present = false;
        for (const auto& f : fields) present = present || f.name == name;
        if (!present) fields.push_back({name, FieldNeed::From::Conntrack, offset - k, size});
        reads.push_back(name + " == " + value);
    }
    return any(reads);
}

std::string conntrack_clause(const PacketFilter& f, const ConntrackLayout& ct,
                             std::vector<FieldNeed>& fields) {
    if (!ct.available() || f.family() == 6) return "";
    if (!f.saddr && !f.daddr && !f.addr && !f.sport && !f.dport && !f.port) return "";
    std::vector<std::string> conditions;
    auto address = [](const Address& a) { return hex(u32_at(a.bytes)); };
    auto port = [](uint16_t p) { return std::to_string(swap16(p)); };
    if (f.saddr) conditions.push_back(conntrack_any(fields, "s", ct.src, 4, address(*f.saddr)));
    if (f.daddr) conditions.push_back(conntrack_any(fields, "d", ct.dst, 4, address(*f.daddr)));
    if (f.addr)
        conditions.push_back("(" + conntrack_any(fields, "s", ct.src, 4, address(*f.addr)) +
                             " || " + conntrack_any(fields, "d", ct.dst, 4, address(*f.addr)) +
                             ")");
    if (f.sport) conditions.push_back(conntrack_any(fields, "sp", ct.sport, 2, port(*f.sport)));
    if (f.dport) conditions.push_back(conntrack_any(fields, "dp", ct.dport, 2, port(*f.dport)));
    if (f.port)
        conditions.push_back("(" + conntrack_any(fields, "sp", ct.sport, 2, port(*f.port)) +
                             " || " + conntrack_any(fields, "dp", ct.dport, 2, port(*f.port)) +
                             ")");
    return all(conditions);
}

}  // namespace

ProbeFilter compile_probe_filter(const PacketFilter& filter, Layer layer, const SockLayout& sock,
                                 const ConntrackLayout& conntrack) {
    ProbeFilter out;
    if (filter.empty()) return out;
    if (layer == Layer::None) {
        out.exact = false;
        return out;
    }
    bool by_tuple = filter.saddr || filter.daddr || filter.addr || filter.sport || filter.dport ||
                    filter.port || !filter.protocols.transports.empty();
    std::vector<std::string> families;
    for (int family : {4, 6}) {
        if (filter.family() && filter.family() != family) continue;
        if (!by_tuple && !filter.protocols.ethertypes.empty()) continue;
        auto layout =
            layer == Layer::Sock ? sock_layout(family, sock) : header_layout(family, layer);
        FamilyClause clause(filter, family);
        if (layer == Layer::Sock) {
            // skc_num (local port, host order) answers -S; skc_dport (network order) -D.
            for (auto& field : layout)
                if (field.name == "spn") field.name = "sp";
            clause.sock_num_name_ = "sp";
            out.exact = filter.protocols.transports.empty();
        }
        std::string conditions = clause.build(out.fields, layout);
        std::string guard = layer == Layer::Sock
                                ? "fam == " + std::to_string(family == 4 ? kAfInet : kAfInet6)
                            : layer == Layer::L3
                                ? "ipv == " + std::to_string(family)
                                : "proto == " + std::to_string(family == 4 ? kEthIpBe : kEthIpv6Be);
        families.push_back(all({guard, conditions}));
    }
    for (auto ethertype : filter.protocols.ethertypes)
        if (!by_tuple) families.push_back("proto == " + std::to_string(swap16(ethertype)));
    if (layer == Layer::Sock) out.fields.push_back({"fam", FieldNeed::From::Sock, sock.family, 2});
    if (families.empty()) return out;
    if (families.size() == 1) {
        out.expression = families[0];
    } else {
        for (const auto& f : families)
            out.expression += (out.expression.empty() ? "(" : " || (") + f + ")";
    }
    if (layer == Layer::L3 && by_tuple) out.fields.insert(out.fields.begin(), ip_version_field());
    if (layer == Layer::L4 || layer == Layer::IcmpBody || layer == Layer::L2) out.exact = false;
    if (layer != Layer::Sock && !out.expression.empty()) {
        auto followed = conntrack_clause(filter, conntrack, out.fields);
        if (!followed.empty()) {
            out.expression = "(" + out.expression + ") || (" + followed + ")";
            out.exact = false;  // the packet's own tuple decides where a lifecycle starts
        }
    }
    return out;
}

}  // namespace ftnt::filters
