// The run's packet filter (-s -d --addr -S -D -P -p) as firewall rule matches.
//
// A filter is a conjunction, except --addr and -P ("either direction") and a protocol list:
// a rule match cannot say "or" without sets, so those are expanded into several matches
// (one rule each): --addr A -P 80 -p tcp,udp gives 2 x 2 x 2 rules per address family.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ftnettrace/packet_filter.h"

namespace ftnt::netfilter {

struct RuleMatch {
    int family = 4;            // 4: iptables / "meta nfproto ipv4"; 6: ip6tables / ipv6
    std::string l4;            // "", "tcp", "udp", "icmp", "icmpv6", "sctp"
    std::string saddr, daddr;  // normalized text, "" = any
    std::optional<uint16_t> sport, dport;

    bool operator==(const RuleMatch&) const = default;
};

// Throws UsageError when the filter cannot be written as a rule (link-level protocols other
// than ipv4/ipv6, addresses of two families, ports without a protocol that has ports).
std::vector<RuleMatch> expand_filter(const filters::PacketFilter& filter);

// iptables/ip6tables match arguments: {"-p", "tcp", "-s", "192.0.2.1", "--dport", "80"}.
std::vector<std::string> iptables_match_args(const RuleMatch& match);
// The same as an nft expression for an inet-family chain: "meta nfproto ipv4 meta l4proto tcp
// ip saddr 192.0.2.1 th dport 80".
std::string nft_match_expr(const RuleMatch& match);

}  // namespace ftnt::netfilter
