// Rule matches built from the command-line filter, for iptables and for the nft table.
#include <gtest/gtest.h>

#include "core/errors.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/match_args.h"
#include "netfilter/nft_table.h"

namespace ftnt::netfilter {
namespace {

std::vector<RuleMatch> expand(filters::FilterFlags flags) {
    return expand_filter(filters::parse_packet_filter(flags));
}

using Args = std::vector<std::string>;

TEST(MatchArgs, NoFilterTracesBothFamilies) {
    auto matches = expand({});
    ASSERT_EQ(matches.size(), 2u);
    EXPECT_EQ(matches[0].family, 4);
    EXPECT_EQ(matches[1].family, 6);
    EXPECT_EQ(iptables_match_args(matches[0]), Args{});
    EXPECT_EQ(nft_match_expr(matches[1]), "meta nfproto ipv6");
}

TEST(MatchArgs, IcmpIsIpv4Only) {
    auto matches = expand({.proto = "icmp"});
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(iptables_match_args(matches[0]), (Args{"-p", "icmp"}));
    auto v6 = expand({.proto = "icmpv6"});
    ASSERT_EQ(v6.size(), 1u);
    EXPECT_EQ(v6[0].family, 6);
    EXPECT_EQ(iptables_match_args(v6[0]), (Args{"-p", "ipv6-icmp"}));
}

TEST(MatchArgs, AddressesAndPortsInOneRule) {
    auto matches =
        expand({.saddr = "192.0.2.1", .daddr = "192.0.2.2", .dport = "80", .proto = "tcp"});
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(iptables_match_args(matches[0]),
              (Args{"-p", "tcp", "-s", "192.0.2.1", "-d", "192.0.2.2", "--dport", "80"}));
    EXPECT_EQ(nft_match_expr(matches[0]),
              "meta nfproto ipv4 meta l4proto tcp ip saddr 192.0.2.1 ip daddr 192.0.2.2 th "
              "dport 80");
}

TEST(MatchArgs, EitherAddressAndEitherPortExpand) {
    // --addr A -P 53 without -p: tcp and udp, A as source or destination, 53 either side.
    auto matches = expand({.addr = "2001:db8::1", .port = "53"});
    ASSERT_EQ(matches.size(), 8u);
    for (const auto& m : matches) EXPECT_EQ(m.family, 6);
    EXPECT_EQ(iptables_match_args(matches[0]),
              (Args{"-p", "tcp", "-s", "2001:db8::1", "--sport", "53"}));
    EXPECT_EQ(iptables_match_args(matches[3]),
              (Args{"-p", "tcp", "-d", "2001:db8::1", "--dport", "53"}));
}

TEST(MatchArgs, SaddrEqualToAddrNeedsOneRule) {
    auto matches = expand({.saddr = "192.0.2.1", .addr = "192.0.2.1"});
    ASSERT_EQ(matches.size(), 1u);
    EXPECT_EQ(iptables_match_args(matches[0]), (Args{"-s", "192.0.2.1"}));
}

TEST(MatchArgs, WhatARuleCannotSayIsAUsageError) {
    EXPECT_THROW(expand({.proto = "arp"}), UsageError);
    EXPECT_THROW(expand({.saddr = "192.0.2.1", .daddr = "2001:db8::1"}), filters::FilterError);
    EXPECT_THROW(expand({.dport = "80", .proto = "icmp"}), UsageError);
    EXPECT_THROW(expand({.saddr = "2001:db8::1", .proto = "icmp"}), UsageError);
    EXPECT_THROW(expand({.saddr = "192.0.2.1", .daddr = "192.0.2.9", .addr = "192.0.2.5"}),
                 UsageError);
}

TEST(MatchArgs, TraceAndLogRulesCarryTheTag) {
    auto m = expand({.proto = "icmp"})[0];
    EXPECT_EQ(trace_rule_spec(m, 42),
              (Args{"-p", "icmp", "-m", "comment", "--comment", "ftnettrace:42", "-j", "TRACE"}));
    auto log = log_invalid_rule_spec(m, 42);
    EXPECT_NE(std::find(log.begin(), log.end(), "INVALID"), log.end());
    EXPECT_NE(std::find(log.begin(), log.end(), "ftnettrace-invalid: "), log.end());
    auto ruleset = nft_table_ruleset(42, {m}, {});
    EXPECT_NE(ruleset.find("table inet ftnettrace_42 {"), std::string::npos) << ruleset;
    EXPECT_NE(ruleset.find("type filter hook prerouting priority raw - 1;"), std::string::npos);
    EXPECT_NE(ruleset.find("meta nfproto ipv4 meta l4proto icmp meta nftrace set 1 comment "
                           "\"ftnettrace:42\""),
              std::string::npos)
        << ruleset;
    EXPECT_EQ(ruleset.find("invalid"), std::string::npos);
}

}  // namespace
}  // namespace ftnt::netfilter
