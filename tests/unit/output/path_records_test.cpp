// Path events as the decoder builds them from the 6.1 guest's nf_hook_slow and ipt_do_table
// records (field values as the kprobes fetched them there).
#include "output/output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "decode/packet_headers.h"
#include "output/record_text.h"
#include "unit/output/captured_sink.h"
#include "unit/support/recorded_nf_hook_slow.h"

namespace ftnt {
namespace {

using test::nf_hook_slow;

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

TEST(PathRecords, TextPacketListsItsFirewallStepsAfterItsEvents) {
    CapturedSink out;
    auto text = make_output(OutputFormat::text, out.sink, {});
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

TEST(PathRecords, JsonPacketCarriesFirewallAndHooksButNotTheRawHookFields) {
    CapturedSink out;
    auto json = make_output(OutputFormat::json, out.sink, {});
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

// Headers as a kprobe at an L3 point fetches them: IPv4 (no options), then the transport.
PathEvent ipv4_event(uint8_t protocol, std::vector<uint8_t> transport) {
    std::vector<uint8_t> window = {0x45, 0, 0,   0x38, 0x12, 0x34, 0,   0, 64, protocol,
                                   0,    0, 192, 0,    2,    2,    192, 0, 2,  1};
    window.insert(window.end(), transport.begin(), transport.end());
    window.resize(96);
    PathEvent e;
    e.func = "ip_output";
    e.skb = 0xffff888004a1c000;
    e.ethertype = 0x0800;
    e.packet = decode_headers(window, filters::Layer::L3, 0x0800);
    return e;
}

PathEvent ipv6_icmp_event(uint8_t type, uint8_t code) {
    std::vector<uint8_t> window = {0x60, 0, 0, 0, 0, 8, 58, 64};
    for (uint8_t last : {uint8_t{1}, uint8_t{2}}) {
        std::vector<uint8_t> address = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
                                        0,    0,    0,    0,    0, 0, 0, last};
        window.insert(window.end(), address.begin(), address.end());
    }
    std::vector<uint8_t> icmp = {type, code, 0, 0, 0x17, 0x8c, 0, 1};
    window.insert(window.end(), icmp.begin(), icmp.end());
    window.resize(96);
    PathEvent e;
    e.func = "ip6_output";
    e.ethertype = 0x86dd;
    e.packet = decode_headers(window, filters::Layer::L3, 0x86dd);
    return e;
}

nlohmann::json json_event(const PathEvent& e) {
    CapturedSink out;
    make_output(OutputFormat::json, out.sink, {})->path_event({&e, "", "", {}, {}});
    return nlohmann::json::parse(out.str());
}

TEST(PathRecords, OnlyEchoMessagesShowIdAndSeq) {
    // Port unreachable: type 3 code 3, four unused bytes, then the offending packet.
    auto unreachable = ipv4_event(1, {3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 28});
    EXPECT_EQ(describe_packet(unreachable), "ICMP 192.0.2.2 -> 192.0.2.1 port unreachable");
    auto json = json_event(unreachable);
    EXPECT_EQ(json["icmp_type"], 3);
    EXPECT_EQ(json["icmp_code"], 3);
    EXPECT_FALSE(json.contains("icmp_id")) << json;
    EXPECT_FALSE(json.contains("icmp_seq")) << json;

    auto echo = ipv4_event(1, {8, 0, 0, 0, 0x17, 0x8c, 0, 1});
    EXPECT_EQ(describe_packet(echo), "ICMP 192.0.2.2 -> 192.0.2.1 echo request id 6028 seq 1");
    json = json_event(echo);
    EXPECT_EQ(json["icmp_id"], 6028);
    EXPECT_EQ(json["icmp_seq"], 1);

    auto unreachable6 = ipv6_icmp_event(1, 4);
    EXPECT_EQ(describe_packet(unreachable6), "ICMPv6 2001:db8::1 -> 2001:db8::2 port unreachable");
    EXPECT_FALSE(json_event(unreachable6).contains("icmp_id"));
    auto echo6 = ipv6_icmp_event(129, 0);
    EXPECT_EQ(describe_packet(echo6), "ICMPv6 2001:db8::1 -> 2001:db8::2 echo reply id 6028 seq 1");
    auto solicitation = ipv6_icmp_event(135, 0);
    EXPECT_EQ(describe_packet(solicitation),
              "ICMPv6 2001:db8::1 -> 2001:db8::2 neighbour solicitation");
}

TEST(PathRecords, TcpFlagsInTheOrderFirewallStepsUse) {
    // FIN|PSH|ACK, then RST|ACK: SYN FIN RST PSH ACK URG ECE CWR is the one order.
    auto fin = ipv4_event(6, {0x1b, 0xbc, 0xa8, 0x8c, 0, 0, 0, 5, 0, 0, 0, 9, 0x50, 0x19});
    EXPECT_EQ(describe_packet(fin), "TCP 192.0.2.2:7100 -> 192.0.2.1:43148 FPA seq 5 ack 9");
    EXPECT_EQ(json_event(fin)["tcp_flags"], "FPA");
    auto rst = ipv4_event(6, {0x1b, 0xbc, 0xa8, 0x8c, 0, 0, 0, 0, 0, 0, 0, 9, 0x50, 0x14});
    EXPECT_EQ(json_event(rst)["tcp_flags"], "RA");
}

}  // namespace
}  // namespace ftnt
