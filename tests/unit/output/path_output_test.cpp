// Path events as the decoder builds them from the 6.1 guest's nf_hook_slow and ipt_do_table
// records (field values as the kprobes fetched them there).
#include "output/path_output.h"

#include <gtest/gtest.h>

#include "unit/output/captured_sink.h"

namespace ftnt {
namespace {

PathEvent nf_hook_slow(int64_t ret) {
    PathEvent e;
    e.func = "nf_hook_slow";
    e.skb = 0xffff888004a1c000;
    e.time_ns = 1'000'000'000;
    e.retval = ret;
    e.extra = {{"pf", "2"},
               {"hook", "1"},
               {"hook_count", "3"},
               {"hook_start", "1"},
               {"hook_fn0", "18446744072100000000"},
               {"hook_fn1", "18446744072100000016"},
               {"hook_fn2", "18446744072100000032"},
               {"hook_fn3", "0"}};
    return e;
}

TEST(PathOutput, NfHookSlowShowsFamilyHookAndOutcome) {
    EXPECT_EQ(netfilter_verdict(nf_hook_slow(-1)), "ipv4.INPUT.DROP");  // -EPERM
    EXPECT_EQ(netfilter_verdict(nf_hook_slow(1)), "ipv4.INPUT.ACCEPT");
    EXPECT_EQ(netfilter_verdict(nf_hook_slow(0)), "ipv4.INPUT.STOLEN");
    auto arp = nf_hook_slow(1);
    arp.extra[0].second = "3";
    EXPECT_EQ(netfilter_verdict(arp), "arp.OUT.ACCEPT");
}

TEST(PathOutput, HookFunctionsFromTheStartIndexToTheCount) {
    auto functions = hook_functions(nf_hook_slow(1));
    EXPECT_EQ(functions, (std::vector<uint64_t>{18446744072100000016ull, 18446744072100000032ull}));
    PathEvent plain;
    plain.func = "ip_rcv";
    EXPECT_TRUE(hook_functions(plain).empty());
}

Lifecycle dropped_ping() {
    Lifecycle l;
    l.first_skb = 0xffff888004a1c000;
    l.events = {nf_hook_slow(-1)};
    netfilter::TraceStep jump;
    jump.backend = "iptables-legacy";
    jump.table = "filter";
    jump.chain = "INPUT";
    jump.kind = "rule";
    jump.rule = 1;
    jump.verdict = "jump USERCHAIN";
    jump.rule_text = "-A INPUT -p icmp -j USERCHAIN";
    netfilter::TraceStep drop = jump;
    drop.chain = "USERCHAIN";
    drop.verdict = "DROP";
    drop.rule_text = "-A USERCHAIN -p icmp -j DROP";
    l.firewall = {jump, drop};
    return l;
}

TEST(PathOutput, TextPacketListsItsFirewallStepsAfterItsEvents) {
    CapturedSink out;
    auto text = make_path_text_output(out.sink, {});
    auto l = dropped_ping();
    PathEventView view{&l.events[0], "ping", "", {}, {"ipv4_conntrack_in", "iptable_filter_hook"}};
    text->packet(l, {view});
    auto s = out.str();
    EXPECT_NE(
        s.find("nf_hook_slow = -1 ipv4.INPUT.DROP hooks ipv4_conntrack_in,iptable_filter_hook"),
        std::string::npos)
        << s;
    auto jump = s.find(
        "  firewall filter:INPUT:rule 1 → jump USERCHAIN  [iptables-legacy]  "
        "-A INPUT -p icmp -j USERCHAIN\n");
    auto drop = s.find("  firewall filter:USERCHAIN:rule 1 → DROP");
    ASSERT_NE(jump, std::string::npos) << s;
    ASSERT_NE(drop, std::string::npos) << s;
    EXPECT_LT(jump, drop);
    EXPECT_LT(s.find("nf_hook_slow"), jump);
}

TEST(PathOutput, JsonPacketCarriesFirewallAndHooksButNotTheRawHookFields) {
    CapturedSink out;
    auto json = make_path_json_output(out.sink, {});
    auto l = dropped_ping();
    PathEventView view{&l.events[0], "ping", "", {}, {"ipv4_conntrack_in"}};
    json->packet(l, {view});
    auto s = out.str();
    EXPECT_NE(s.find("\"hooks\":[\"ipv4_conntrack_in\"]"), std::string::npos) << s;
    EXPECT_EQ(s.find("hook_fn"), std::string::npos) << s;
    EXPECT_NE(s.find("\"verdict\":\"ipv4.INPUT.DROP\""), std::string::npos) << s;
    EXPECT_NE(s.find("\"firewall\":[{\"backend\":\"iptables-legacy\",\"family\":\"\","
                     "\"table\":\"filter\",\"chain\":\"INPUT\",\"step\":\"rule\",\"rule\":1,"
                     "\"verdict\":\"jump USERCHAIN\""),
              std::string::npos)
        << s;
    EXPECT_NE(s.find("\"chain\":\"USERCHAIN\",\"step\":\"rule\",\"rule\":1,\"verdict\":\"DROP\""),
              std::string::npos)
        << s;
}

}  // namespace
}  // namespace ftnt
