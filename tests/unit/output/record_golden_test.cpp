// Every kind of record in both formats, byte for byte: the bytes a user's scripts read. The
// path event is the 6.1 guest's nf_hook_slow (tests/unit/support/recorded_nf_hook_slow.h);
// the other values are made up to exercise each field.
#include <gtest/gtest.h>

#include "decode/packet_headers.h"
#include "output/output.h"
#include "unit/output/captured_sink.h"
#include "unit/support/recorded_nf_hook_slow.h"

namespace ftnt {
namespace {

DropEvent tcp_drop() {
    DropEvent e;
    e.time_ns = 153'534'182'000;
    e.cpu = 1;
    e.tid = 42;
    e.skb = 0xffff888100001000;
    PacketTuple t;
    t.family = 4;
    t.saddr = {192, 0, 2, 1};
    t.daddr = {192, 0, 2, 2};
    t.sport = 40000;
    t.dport = 9;
    t.has_ports = true;
    t.l4 = "TCP";
    e.tuple = t;
    e.stack = {1, 2};
    return e;
}

netfilter::TraceStep policy_drop() {
    netfilter::TraceStep s;
    s.time_ns = 2'000'000'000;
    s.backend = "nft";
    s.family = "inet";
    s.table = "t";
    s.chain = "input";
    s.kind = "rule";
    s.handle = 3;
    s.verdict = "drop";
    s.rule_text = "icmp type echo-request drop";
    s.trace_id = 77;
    PacketTuple t;
    t.family = 4;
    t.saddr = {192, 0, 2, 1};
    t.daddr = {192, 0, 2, 2};
    t.l4 = "ICMP";
    s.packet.tuple = t;
    s.packet.icmp_type = 8;
    s.packet.icmp_code = 0;
    s.packet.in = "veth0";
    s.packet.length = 84;
    return s;
}

std::string drop_record(OutputFormat format) {
    CapturedSink out;
    auto output = make_output(format, out.sink, {});
    auto e = tcp_drop();
    DropView v{&e,
               "nc",
               "IPv4",
               std::string("NO_SOCKET"),
               "tcp_v4_rcv+0x91/0x13f0",
               {"tcp_v4_rcv at net/ipv4/tcp_ipv4.c:2270"},
               {"a+0x1", "b+0x2"}};
    output->drop(v);
    output->lost(3, 12, 154'000'000'000);
    DropSummary summary;
    summary.add("NO_SOCKET", "tcp_v4_rcv+0x91/0x13f0", 5);
    summary.add("", "ip_rcv_core+0x1/0x2");
    summary.add("NO_SOCKET", "__udp4_lib_rcv+0x992/0xa10", 2, "", true);  // before 5.17
    output->summary(summary, 12, 2.5, true);
    return out.str();
}

// A received TCP segment freed without a socket, with every field a point can fetch.
PathEvent freed_segment() {
    std::vector<uint8_t> window = {0x45, 0, 0, 0x28, 0x12, 0x34, 0, 0, 64,   6,    0,    0,
                                   192,  0, 2, 2,    192,  0,    2, 1, 0x1b, 0xbc, 0xa8, 0x8c,
                                   0,    0, 0, 5,    0,    0,    0, 9, 0x50, 0x14};
    window.resize(96);
    PathEvent e;
    e.time_ns = 1'000'250'000;
    e.func = "skb:kfree_skb";
    e.skb = 0xffff888004a1c000;
    e.netns = 4026531840;
    e.dev = "veth0";
    e.ifindex = 3;
    e.pkt_type = 0;
    e.len = 40;
    e.ethertype = 0x0800;
    e.smac = std::array<uint8_t, 6>{2, 0, 0, 0, 0, 2};
    e.dmac = std::array<uint8_t, 6>{2, 0, 0, 0, 0, 1};
    e.packet = decode_headers(window, filters::Layer::L3, 0x0800);
    e.reason = "NO_SOCKET";
    e.reason_inferred = true;
    e.location = 0xffffffff81a0beef;
    e.frees_skb = true;
    return e;
}

// A socket's event (no skb): its task is shown.
PathEvent socket_reset() {
    PathEvent e;
    e.time_ns = 1'000'500'000;
    e.func = "tcp:tcp_send_reset";
    e.sk = 0xffff888003f0a000;
    e.state = "TCP_CLOSE";
    e.tid = 7;
    e.retval = -0x777700000000;  // a kernel pointer read as a number
    return e;
}

std::string path_records(OutputFormat format, bool detail) {
    CapturedSink out;
    auto output = make_output(format, out.sink, {{}, detail});
    Lifecycle l;
    l.first_skb = 0xffff888004a1c000;
    l.events = {test::nf_hook_slow(-1), freed_segment()};
    l.firewall = {policy_drop()};
    PathEventView hook{&l.events[0], "ping", "", {}, {"ipv4_conntrack_in"}};
    PathEventView freed{&l.events[1], "swapper/0", "tcp_v4_rcv+0x91/0x13f0", {"a+0x1"}, {}};
    auto reset_event = socket_reset();
    output->path_event(hook);
    output->path_event(freed);
    output->path_event({&reset_event, "nc", "", {}, {}});
    output->packet(l, {hook, freed});
    output->lost(0, 4, 1'500'000'000);
    return out.str();
}

std::string step_records(OutputFormat format) {
    CapturedSink out;
    auto output = make_output(format, out.sink, {});
    auto step = policy_drop();
    output->step(step);
    output->invalid({3'000'000'000, step.packet});
    return out.str();
}

TEST(RecordGolden, DropLostSummaryText) {
    EXPECT_EQ(drop_record(OutputFormat::text),
              "[153.534182] cpu1 42/nc IPv4 TCP 192.0.2.1:40000 -> 192.0.2.2:9 reason NO_SOCKET at "
              "tcp_v4_rcv+0x91/0x13f0 skb 0xffff888100001000\n"
              "    tcp_v4_rcv at net/ipv4/tcp_ipv4.c:2270\n"
              "    #0 a+0x1\n"
              "    #1 b+0x2\n"
              "[154.000000] LOST 12 events on cpu3\n"
              "Drops in 2.5 s: 8 (and 12 events lost)\n"
              "     COUNT  REASON                      LOCATION\n"
              "         5  NO_SOCKET                   tcp_v4_rcv+0x91/0x13f0\n"
              "         2  NO_SOCKET (inferred)        __udp4_lib_rcv+0x992/0xa10\n"
              "         1  -                           ip_rcv_core+0x1/0x2\n");
}

TEST(RecordGolden, DropLostSummaryJson) {
    EXPECT_EQ(drop_record(OutputFormat::json),
              "{\"type\":\"drop\",\"ts\":153.534182,\"cpu\":1,\"pid\":42,\"comm\":\"nc\",\"proto\":"
              "\"IPv4\",\"reason\":\"NO_SOCKET\",\"location\":\"tcp_v4_rcv+0x91/"
              "0x13f0\",\"skb\":\"0xffff888100001000\",\"source\":[\"tcp_v4_rcv at "
              "net/ipv4/"
              "tcp_ipv4.c:2270\"],\"saddr\":\"192.0.2.1\",\"daddr\":\"192.0.2.2\",\"sport\":40000,"
              "\"dport\":9,\"l4\":\"TCP\",\"stack\":[\"a+0x1\",\"b+0x2\"]}\n"
              "{\"type\":\"lost\",\"ts\":154.000000,\"cpu\":3,\"lost\":12}\n"
              "{\"type\":\"summary\",\"final\":true,\"total\":8,\"lost\":12,\"seconds\":2.5,"
              "\"drops\":[{\"reason\":\"NO_SOCKET\",\"location\":\"tcp_v4_rcv+0x91/"
              "0x13f0\",\"count\":5},{\"reason\":\"NO_SOCKET\",\"reason_inferred\":true,"
              "\"location\":\"__udp4_lib_rcv+0x992/0xa10\",\"count\":2},{\"reason\":null,"
              "\"location\":\"ip_rcv_core+0x1/0x2\",\"count\":1}]}\n");
}

TEST(RecordGolden, PathEventPacketLostText) {
    EXPECT_EQ(path_records(OutputFormat::text, false),
              "[1.000000] [-] -                  - -  nf_hook_slow = -1 ipv4.INPUT.DROP hooks "
              "ipv4_conntrack_in\n"
              "[1.000250] [4026531840] veth0           HOST TCP 192.0.2.2:7100 -> 192.0.2.1:43148 "
              "RA seq 5 ack 9 mac 02:00:00:00:00:02 > 02:00:00:00:00:01 len 40  skb:kfree_skb "
              "reason NO_SOCKET (inferred) at tcp_v4_rcv+0x91/0x13f0\n"
              "    #0 a+0x1\n"
              "[1.000500] [-] -                  - -  tcp:tcp_send_reset = 0xffff888900000000 "
              "state TCP_CLOSE  7/nc\n"
              "packet skb 0xffff888004a1c000: 2 events, 250.0 us\n"
              "  [1.000000] [-] -                  - -  nf_hook_slow = -1 ipv4.INPUT.DROP hooks "
              "ipv4_conntrack_in\n"
              "  [1.000250] [4026531840] veth0           HOST TCP 192.0.2.2:7100 -> "
              "192.0.2.1:43148 RA seq 5 ack 9 mac 02:00:00:00:00:02 > 02:00:00:00:00:01 len 40  "
              "skb:kfree_skb reason NO_SOCKET (inferred) at tcp_v4_rcv+0x91/0x13f0\n"
              "      #0 a+0x1\n"
              "  firewall inet t:input:handle 3 → drop  [nft]  icmp type echo-request drop\n"
              "\n"
              "[1.500000] LOST 4 events on cpu0\n");
    EXPECT_EQ(
        path_records(OutputFormat::text, true),
        "[1.000000] [-] -                  - -  nf_hook_slow = -1 ipv4.INPUT.DROP hooks "
        "ipv4_conntrack_in  cpu0 0/ping skb 0xffff888004a1c000\n"
        "[1.000250] [4026531840] veth0           HOST TCP 192.0.2.2:7100 -> 192.0.2.1:43148 RA seq "
        "5 ack 9 mac 02:00:00:00:00:02 > 02:00:00:00:00:01 len 40  skb:kfree_skb reason NO_SOCKET "
        "(inferred) at tcp_v4_rcv+0x91/0x13f0  cpu0 0/swapper/0 skb 0xffff888004a1c000\n"
        "    #0 a+0x1\n"
        "[1.000500] [-] -                  - -  tcp:tcp_send_reset = 0xffff888900000000 state "
        "TCP_CLOSE  cpu0 7/nc skb 0x0\n"
        "packet skb 0xffff888004a1c000: 2 events, 250.0 us\n"
        "  [1.000000] [-] -                  - -  nf_hook_slow = -1 ipv4.INPUT.DROP hooks "
        "ipv4_conntrack_in  cpu0 0/ping skb 0xffff888004a1c000\n"
        "  [1.000250] [4026531840] veth0           HOST TCP 192.0.2.2:7100 -> 192.0.2.1:43148 RA "
        "seq 5 ack 9 mac 02:00:00:00:00:02 > 02:00:00:00:00:01 len 40  skb:kfree_skb reason "
        "NO_SOCKET (inferred) at tcp_v4_rcv+0x91/0x13f0  cpu0 0/swapper/0 skb 0xffff888004a1c000\n"
        "      #0 a+0x1\n"
        "  firewall inet t:input:handle 3 → drop  [nft]  icmp type echo-request drop\n"
        "\n"
        "[1.500000] LOST 4 events on cpu0\n");
}

TEST(RecordGolden, PathEventPacketLostJson) {
    EXPECT_EQ(
        path_records(OutputFormat::json, false),
        "{\"type\":\"event\",\"ts\":1.000000,\"func\":\"nf_hook_slow\",\"skb\":"
        "\"0xffff888004a1c000\",\"ret\":-1,\"pf\":\"2\",\"hook\":\"1\",\"hooks\":[\"ipv4_conntrack_"
        "in\"],\"verdict\":\"ipv4.INPUT.DROP\"}\n"
        "{\"type\":\"event\",\"ts\":1.000250,\"func\":\"skb:kfree_skb\",\"skb\":"
        "\"0xffff888004a1c000\",\"netns\":4026531840,\"dev\":\"veth0\",\"ifindex\":3,\"pkt_type\":"
        "\"HOST\",\"len\":40,\"proto\":\"IPv4\",\"smac\":\"02:00:00:00:00:02\",\"dmac\":\"02:00:00:"
        "00:00:01\",\"saddr\":\"192.0.2.2\",\"daddr\":\"192.0.2.1\",\"sport\":7100,\"dport\":43148,"
        "\"l4\":\"TCP\",\"tcp_flags\":\"RA\",\"seq\":5,\"ack\":9,\"reason\":\"NO_SOCKET\",\"reason_"
        "inferred\":true,\"location\":\"tcp_v4_rcv+0x91/0x13f0\",\"stack\":[\"a+0x1\"]}\n"
        "{\"type\":\"event\",\"ts\":1.000500,\"func\":\"tcp:tcp_send_reset\",\"sk\":"
        "\"0xffff888003f0a000\",\"state\":\"TCP_CLOSE\",\"ret\":-131352984813568,\"cpu\":0,\"pid\":"
        "7,\"comm\":\"nc\"}\n"
        "{\"type\":\"event\",\"ts\":1.000000,\"func\":\"nf_hook_slow\",\"skb\":"
        "\"0xffff888004a1c000\",\"ret\":-1,\"pf\":\"2\",\"hook\":\"1\",\"hooks\":[\"ipv4_conntrack_"
        "in\"],\"verdict\":\"ipv4.INPUT.DROP\"}\n"
        "{\"type\":\"event\",\"ts\":1.000250,\"func\":\"skb:kfree_skb\",\"skb\":"
        "\"0xffff888004a1c000\",\"netns\":4026531840,\"dev\":\"veth0\",\"ifindex\":3,\"pkt_type\":"
        "\"HOST\",\"len\":40,\"proto\":\"IPv4\",\"smac\":\"02:00:00:00:00:02\",\"dmac\":\"02:00:00:"
        "00:00:01\",\"saddr\":\"192.0.2.2\",\"daddr\":\"192.0.2.1\",\"sport\":7100,\"dport\":43148,"
        "\"l4\":\"TCP\",\"tcp_flags\":\"RA\",\"seq\":5,\"ack\":9,\"reason\":\"NO_SOCKET\",\"reason_"
        "inferred\":true,\"location\":\"tcp_v4_rcv+0x91/0x13f0\",\"stack\":[\"a+0x1\"]}\n"
        "{\"type\":\"packet\",\"skb\":\"0xffff888004a1c000\",\"latency_ns\":250000,\"events\":[{"
        "\"type\":\"event\",\"ts\":1.000000,\"func\":\"nf_hook_slow\",\"skb\":"
        "\"0xffff888004a1c000\",\"ret\":-1,\"pf\":\"2\",\"hook\":\"1\",\"hooks\":[\"ipv4_conntrack_"
        "in\"],\"verdict\":\"ipv4.INPUT.DROP\"},{\"type\":\"event\",\"ts\":1.000250,\"func\":\"skb:"
        "kfree_skb\",\"skb\":\"0xffff888004a1c000\",\"netns\":4026531840,\"dev\":\"veth0\","
        "\"ifindex\":3,\"pkt_type\":\"HOST\",\"len\":40,\"proto\":\"IPv4\",\"smac\":\"02:00:00:00:"
        "00:02\",\"dmac\":\"02:00:00:00:00:01\",\"saddr\":\"192.0.2.2\",\"daddr\":\"192.0.2.1\","
        "\"sport\":7100,\"dport\":43148,\"l4\":\"TCP\",\"tcp_flags\":\"RA\",\"seq\":5,\"ack\":9,"
        "\"reason\":\"NO_SOCKET\",\"reason_inferred\":true,\"location\":\"tcp_v4_rcv+0x91/"
        "0x13f0\",\"stack\":[\"a+0x1\"]}],\"firewall\":[{\"backend\":\"nft\",\"family\":\"inet\","
        "\"table\":\"t\",\"chain\":\"input\",\"step\":\"rule\",\"handle\":3,\"verdict\":\"drop\","
        "\"rule_text\":\"icmp type echo-request drop\"}]}\n"
        "{\"type\":\"lost\",\"ts\":1.500000,\"cpu\":0,\"lost\":4}\n");
    EXPECT_EQ(
        path_records(OutputFormat::json, true),
        "{\"type\":\"event\",\"ts\":1.000000,\"func\":\"nf_hook_slow\",\"skb\":"
        "\"0xffff888004a1c000\",\"ret\":-1,\"pf\":\"2\",\"hook\":\"1\",\"hooks\":[\"ipv4_conntrack_"
        "in\"],\"verdict\":\"ipv4.INPUT.DROP\",\"cpu\":0,\"pid\":0,\"comm\":\"ping\"}\n"
        "{\"type\":\"event\",\"ts\":1.000250,\"func\":\"skb:kfree_skb\",\"skb\":"
        "\"0xffff888004a1c000\",\"netns\":4026531840,\"dev\":\"veth0\",\"ifindex\":3,\"pkt_type\":"
        "\"HOST\",\"len\":40,\"proto\":\"IPv4\",\"smac\":\"02:00:00:00:00:02\",\"dmac\":\"02:00:00:"
        "00:00:01\",\"saddr\":\"192.0.2.2\",\"daddr\":\"192.0.2.1\",\"sport\":7100,\"dport\":43148,"
        "\"l4\":\"TCP\",\"tcp_flags\":\"RA\",\"seq\":5,\"ack\":9,\"reason\":\"NO_SOCKET\",\"reason_"
        "inferred\":true,\"location\":\"tcp_v4_rcv+0x91/"
        "0x13f0\",\"stack\":[\"a+0x1\"],\"cpu\":0,\"pid\":0,\"comm\":\"swapper/0\"}\n"
        "{\"type\":\"event\",\"ts\":1.000500,\"func\":\"tcp:tcp_send_reset\",\"sk\":"
        "\"0xffff888003f0a000\",\"state\":\"TCP_CLOSE\",\"ret\":-131352984813568,\"cpu\":0,\"pid\":"
        "7,\"comm\":\"nc\"}\n"
        "{\"type\":\"event\",\"ts\":1.000000,\"func\":\"nf_hook_slow\",\"skb\":"
        "\"0xffff888004a1c000\",\"ret\":-1,\"pf\":\"2\",\"hook\":\"1\",\"hooks\":[\"ipv4_conntrack_"
        "in\"],\"verdict\":\"ipv4.INPUT.DROP\",\"cpu\":0,\"pid\":0,\"comm\":\"ping\"}\n"
        "{\"type\":\"event\",\"ts\":1.000250,\"func\":\"skb:kfree_skb\",\"skb\":"
        "\"0xffff888004a1c000\",\"netns\":4026531840,\"dev\":\"veth0\",\"ifindex\":3,\"pkt_type\":"
        "\"HOST\",\"len\":40,\"proto\":\"IPv4\",\"smac\":\"02:00:00:00:00:02\",\"dmac\":\"02:00:00:"
        "00:00:01\",\"saddr\":\"192.0.2.2\",\"daddr\":\"192.0.2.1\",\"sport\":7100,\"dport\":43148,"
        "\"l4\":\"TCP\",\"tcp_flags\":\"RA\",\"seq\":5,\"ack\":9,\"reason\":\"NO_SOCKET\",\"reason_"
        "inferred\":true,\"location\":\"tcp_v4_rcv+0x91/"
        "0x13f0\",\"stack\":[\"a+0x1\"],\"cpu\":0,\"pid\":0,\"comm\":\"swapper/0\"}\n"
        "{\"type\":\"packet\",\"skb\":\"0xffff888004a1c000\",\"latency_ns\":250000,\"events\":[{"
        "\"type\":\"event\",\"ts\":1.000000,\"func\":\"nf_hook_slow\",\"skb\":"
        "\"0xffff888004a1c000\",\"ret\":-1,\"pf\":\"2\",\"hook\":\"1\",\"hooks\":[\"ipv4_conntrack_"
        "in\"],\"verdict\":\"ipv4.INPUT.DROP\",\"cpu\":0,\"pid\":0,\"comm\":\"ping\"},{\"type\":"
        "\"event\",\"ts\":1.000250,\"func\":\"skb:kfree_skb\",\"skb\":\"0xffff888004a1c000\","
        "\"netns\":4026531840,\"dev\":\"veth0\",\"ifindex\":3,\"pkt_type\":\"HOST\",\"len\":40,"
        "\"proto\":\"IPv4\",\"smac\":\"02:00:00:00:00:02\",\"dmac\":\"02:00:00:00:00:01\","
        "\"saddr\":\"192.0.2.2\",\"daddr\":\"192.0.2.1\",\"sport\":7100,\"dport\":43148,\"l4\":"
        "\"TCP\",\"tcp_flags\":\"RA\",\"seq\":5,\"ack\":9,\"reason\":\"NO_SOCKET\",\"reason_"
        "inferred\":true,\"location\":\"tcp_v4_rcv+0x91/"
        "0x13f0\",\"stack\":[\"a+0x1\"],\"cpu\":0,\"pid\":0,\"comm\":\"swapper/"
        "0\"}],\"firewall\":[{\"backend\":\"nft\",\"family\":\"inet\",\"table\":\"t\",\"chain\":"
        "\"input\",\"step\":\"rule\",\"handle\":3,\"verdict\":\"drop\",\"rule_text\":\"icmp type "
        "echo-request drop\"}]}\n"
        "{\"type\":\"lost\",\"ts\":1.500000,\"cpu\":0,\"lost\":4}\n");
}

TEST(RecordGolden, StepInvalidText) {
    EXPECT_EQ(step_records(OutputFormat::text),
              "2.000000 inet t:input:handle 3 → drop  ICMP 192.0.2.1 -> 192.0.2.2 echo request in "
              "veth0  [nft]  icmp type echo-request drop\n"
              "3.000000 ctstate INVALID  ICMP 192.0.2.1 -> 192.0.2.2 echo request in veth0\n");
}

TEST(RecordGolden, StepInvalidJson) {
    EXPECT_EQ(step_records(OutputFormat::json),
              "{\"type\":\"trace\",\"ts\":2.000000,\"backend\":\"nft\",\"family\":\"inet\","
              "\"table\":\"t\",\"chain\":\"input\",\"step\":\"rule\",\"handle\":3,\"verdict\":"
              "\"drop\",\"rule_text\":\"icmp type echo-request "
              "drop\",\"trace_id\":77,\"saddr\":\"192.0.2.1\",\"daddr\":\"192.0.2.2\",\"l4\":"
              "\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,\"in\":\"veth0\",\"len\":84}\n"
              "{\"type\":\"invalid\",\"ts\":3.000000,\"saddr\":\"192.0.2.1\",\"daddr\":\"192.0.2."
              "2\",\"l4\":\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,\"in\":\"veth0\",\"len\":84}\n");
}

}  // namespace
}  // namespace ftnt
