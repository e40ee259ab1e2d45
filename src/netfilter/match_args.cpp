#include "netfilter/match_args.h"

#include <algorithm>

#include "core/errors.h"

namespace ftnt::netfilter {
namespace {

bool has_ports(const std::string& l4) {
    return l4 == "tcp" || l4 == "udp" || l4 == "sctp";
}

}  // namespace

std::vector<RuleMatch> expand_filter(const filters::PacketFilter& filter) {
    // Families: from the addresses, then from the link-level protocols, else both.
    int address_family = 0;
    for (const auto* a : {&filter.saddr, &filter.daddr, &filter.addr}) {
        if (!*a) continue;
        if (address_family && address_family != (*a)->family)
            throw UsageError("the addresses of the filter mix IPv4 and IPv6");
        address_family = (*a)->family;
    }
    std::vector<int> families;
    for (auto ethertype : filter.protocols.ethertypes) {
        if (ethertype == 0x0800)
            families.push_back(4);
        else if (ethertype == 0x86dd)
            families.push_back(6);
        else
            throw UsageError(
                "--iptables-trace and --log-invalid match IPv4 and IPv6 packets only; -p takes "
                "ip, ipv6, tcp, udp, icmp, icmpv6, sctp here");
    }
    if (families.empty()) families = {4, 6};
    if (address_family) {
        bool named = std::find(families.begin(), families.end(), address_family) != families.end();
        if (!named) throw UsageError("the filter's addresses and -p name different IP versions");
        families = {address_family};
    }

    std::vector<std::string> l4s;
    for (auto transport : filter.protocols.transports) {
        std::transform(transport.begin(), transport.end(), transport.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        l4s.push_back(transport);
    }
    bool ports = filter.sport || filter.dport || filter.port;
    if (l4s.empty())
        l4s = ports ? std::vector<std::string>{"tcp", "udp"} : std::vector{std::string()};
    if (ports && std::none_of(l4s.begin(), l4s.end(), has_ports))
        throw UsageError("ports (-S -D -P) need -p tcp, udp or sctp");

    // Address variants: --addr is "source or destination".
    struct Addresses {
        std::string saddr, daddr;
    };
    std::vector<Addresses> addresses;
    std::string s = filter.saddr ? filter.saddr->text : "";
    std::string d = filter.daddr ? filter.daddr->text : "";
    if (filter.addr) {
        const std::string& a = filter.addr->text;
        if (s.empty() || s == a) addresses.push_back({a, d});
        if ((d.empty() || d == a) && !(s == a && d.empty())) addresses.push_back({s, a});
        if (s == a && d == a) addresses.resize(1);
    } else {
        addresses.push_back({s, d});
    }
    struct Ports {
        std::optional<uint16_t> sport, dport;
    };
    std::vector<Ports> port_variants;
    if (filter.port) {
        auto p = filter.port;
        if (!filter.sport || filter.sport == p) port_variants.push_back({p, filter.dport});
        if ((!filter.dport || filter.dport == p) && !(filter.sport == p && !filter.dport))
            port_variants.push_back({filter.sport, p});
        if (filter.sport == p && filter.dport == p) port_variants.resize(1);
    } else {
        port_variants.push_back({filter.sport, filter.dport});
    }

    if (addresses.empty() || port_variants.empty())
        throw UsageError("the filter contradicts itself (--addr/-P against -s -d/-S -D)");
    std::vector<RuleMatch> matches;
    auto add = [&](const RuleMatch& m) {
        if (std::find(matches.begin(), matches.end(), m) == matches.end()) matches.push_back(m);
    };
    for (int family : families) {
        for (const auto& l4 : l4s) {
            if (l4 == "icmp" && family == 6) continue;
            if (l4 == "icmpv6" && family == 4) continue;
            for (const auto& a : addresses) {
                if (ports && has_ports(l4)) {
                    for (const auto& p : port_variants)
                        add({family, l4, a.saddr, a.daddr, p.sport, p.dport});
                } else if (!ports) {
                    add({family, l4, a.saddr, a.daddr, std::nullopt, std::nullopt});
                }
            }
        }
    }
    if (matches.empty())
        throw UsageError(
            "the filter matches no IPv4 or IPv6 packet (-p icmp with an IPv6 "
            "address, or icmpv6 with IPv4?)");
    return matches;
}

std::vector<std::string> iptables_match_args(const RuleMatch& m) {
    std::vector<std::string> args;
    if (!m.l4.empty()) {
        args.push_back("-p");
        args.push_back(m.l4 == "icmpv6" ? "ipv6-icmp" : m.l4);
    }
    if (!m.saddr.empty()) args.insert(args.end(), {"-s", m.saddr});
    if (!m.daddr.empty()) args.insert(args.end(), {"-d", m.daddr});
    if (m.sport) args.insert(args.end(), {"--sport", std::to_string(*m.sport)});
    if (m.dport) args.insert(args.end(), {"--dport", std::to_string(*m.dport)});
    return args;
}

std::string nft_match_expr(const RuleMatch& m) {
    std::string ip = m.family == 4 ? "ip" : "ip6";
    std::string expr = m.family == 4 ? "meta nfproto ipv4" : "meta nfproto ipv6";
    if (!m.l4.empty())
        expr += " meta l4proto " + (m.l4 == "icmpv6" ? std::string("ipv6-icmp") : m.l4);
    if (!m.saddr.empty()) expr += " " + ip + " saddr " + m.saddr;
    if (!m.daddr.empty()) expr += " " + ip + " daddr " + m.daddr;
    if (m.sport) expr += " th sport " + std::to_string(*m.sport);
    if (m.dport) expr += " th dport " + std::to_string(*m.dport);
    return expr;
}

}  // namespace ftnt::netfilter
