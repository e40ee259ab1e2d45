#include "plan/fetchargs.h"

#include <sstream>

#include "core/errors.h"

namespace ftnt {
namespace {

std::string deref(unsigned offset, const std::string& inner) {
    return "+" + std::to_string(offset) + "(" + inner + ")";
}

std::string at(int offset, const std::string& inner) {
    return (offset < 0 ? "" : "+") + std::to_string(offset) + "(" + inner + ")";
}

std::string type_of(unsigned size) {
    switch (size) {
        case 0:
            return "b4@4/8";
        case 1:
            return "u8";
        case 2:
            return "u16";
        case 4:
            return "u32";
        default:
            return "u64";
    }
}

}  // namespace

std::vector<std::string> fetcharg_names(const std::string& fetchargs) {
    std::vector<std::string> names;
    std::istringstream words(fetchargs);
    for (std::string word; words >> word;) names.push_back(word.substr(0, word.find('=')));
    return names;
}

std::vector<filters::FieldNeed> sock_tuple_fields(const filters::SockLayout& s) {
    using From = filters::FieldNeed::From;
    std::vector<filters::FieldNeed> out;
    auto add = [&](const char* name, int offset, unsigned size) {
        if (offset >= 0) out.push_back({name, From::Sock, offset, size});
    };
    add("fam", s.family, 2);
    add("s4", s.rcv_saddr, 4);
    add("d4", s.daddr, 4);
    add("sp", s.num, 2);
    add("dp", s.dport, 2);
    add("s6", s.v6_rcv_saddr, 8);
    add("s6l", s.v6_rcv_saddr < 0 ? -1 : s.v6_rcv_saddr + 8, 8);
    add("d6", s.v6_daddr, 8);
    add("d6l", s.v6_daddr < 0 ? -1 : s.v6_daddr + 8, 8);
    return out;
}

std::string argument_fetcharg(int argument) {
    if (argument < 1 || argument > 6)
        throw UsageError("argument " + std::to_string(argument) + " is not in a register (1-6)");
    return "$arg" + std::to_string(argument);
}

int header_window_offset(filters::Layer layer) {
    // At L4 the window starts 40 bytes early so an IPv6 header (or IPv4 with 20 bytes of
    // slack) before skb->data is in it; past the ICMP header 8 more.
    switch (layer) {
        case filters::Layer::L4:
            return -40;
        case filters::Layer::IcmpBody:
            return -48;
        default:
            return 0;
    }
}

std::string build_socket_fetchargs(const std::string& sock, const SkbLayout& l,
                                   const filters::ProbeFilter& filter) {
    std::string args = "sk=" + sock + ":x64";
    if (l.sk_net)
        args +=
            " netns=" + deref(l.net_inum.byte_offset, deref(l.sk_net->byte_offset, sock)) + ":u32";
    auto fields = sock_tuple_fields(l.sock);
    for (const auto& field : filter.fields) {
        bool present = false;
        for (const auto& have : fields) present = present || have.name == field.name;
        if (!present && field.from == filters::FieldNeed::From::Sock) fields.push_back(field);
    }
    for (const auto& field : fields)
        args += " " + field.name + "=" + at(field.offset, sock) + ":" + type_of(field.size);
    // tcp_set_state(TCP_CLOSE) unhashes the port (skc_num = 0) before an active reset is
    // sent; inet_sport keeps the local port.
    if (l.inet_sport) args += " lsp=" + deref(l.inet_sport->byte_offset, sock) + ":u16";
    return args;
}

std::string build_fetchargs(const ProbeArgs& probe, const SkbLayout& l,
                            const filters::ProbeFilter& filter) {
    const std::string& skb = probe.skb_expression;
    std::string dev = deref(l.dev.byte_offset, skb);
    std::string data = deref(l.data.byte_offset, skb);
    std::string sk = deref(l.sk.byte_offset, skb);
    std::string ct = l.nfct ? deref(l.nfct->byte_offset, skb) : "";
    std::string args = "skb=" + skb + ":x64";
    args += " len=" + deref(l.len.byte_offset, skb) + ":u32";
    args += " proto=" + deref(l.protocol.byte_offset, skb) + ":u16";
    args += " pkt_type=" + deref(l.pkt_type.byte_offset, skb) + ":b" +
            std::to_string(l.pkt_type.bit_size) + "@" + std::to_string(l.pkt_type.bit_offset) +
            "/8";
    args += " ifindex=" + deref(l.dev_ifindex.byte_offset, dev) + ":s32";
    args += " netns=" + deref(l.net_inum.byte_offset, deref(l.dev_net.byte_offset, dev)) + ":u32";
    args += " dev=" + deref(l.dev_name.byte_offset, dev) + ":string";
    // A fetcharg read through a NULL pointer faults and keeps the bytes the per-CPU buffer
    // held before (the previous event's: seen at ip_output on 6.1): the pointers themselves
    // say whether ifindex/netns and skns were read.
    args += " devp=" + dev + ":x64";
    if (l.sk_net)
        args += " skp=" + sk +
                ":x64 skns=" + deref(l.net_inum.byte_offset, deref(l.sk_net->byte_offset, sk)) +
                ":u32";
    if (probe.mac_before_data && probe.layer == filters::Layer::L3 && l.mac_len)
        args += " maclen=" + deref(l.mac_len->byte_offset, skb) + ":u16 mac=" + at(-14, data) +
                ":x8[12]";
    if (probe.layer != filters::Layer::None && probe.layer != filters::Layer::Sock)
        args += " hdr=" + at(header_window_offset(probe.layer), data) + ":x32[" +
                std::to_string(kHeaderWindow / 4) + "]";
    std::vector<filters::FieldNeed> fields;
    if (probe.layer == filters::Layer::Sock) fields = sock_tuple_fields(l.sock);
    for (const auto& field : filter.fields) {
        bool present = false;
        for (const auto& have : fields) present = present || have.name == field.name;
        if (!present) fields.push_back(field);
    }
    for (const auto& field : fields) {
        const std::string& base = field.from == filters::FieldNeed::From::Sock        ? sk
                                  : field.from == filters::FieldNeed::From::Conntrack ? ct
                                                                                      : data;
        args += " " + field.name + "=" + at(field.offset, base) + ":" + type_of(field.size);
    }
    return args;
}

}  // namespace ftnt
