// Steps are built as the TRACE lines and nf_tables trace messages of the kmsg_lines and
// nft_trace_decode fixtures read (captured on the 6.18 machine here); path events as the
// header decoder gives them.
#include "track/step_join.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

PacketTuple tuple(const char* s, const char* d, const char* l4) {
    PacketTuple t;
    t.family = 4;
    auto sa = filters::parse_address(s);
    auto da = filters::parse_address(d);
    t.saddr = sa->bytes;
    t.daddr = da->bytes;
    t.l4 = l4;
    return t;
}

PacketDetails echo(const char* s, const char* d, uint16_t ip_id, uint16_t seq) {
    PacketDetails p;
    p.tuple = tuple(s, d, "ICMP");
    p.ip_protocol = 1;
    p.icmp_type = 8;
    p.icmp_code = 0;
    p.icmp_id = 29580;
    p.icmp_seq = seq;
    p.ip_id = ip_id;
    p.has_l4 = true;
    return p;
}

netfilter::PacketInfo echo_step(const char* s, const char* d, uint16_t ip_id, uint16_t seq) {
    netfilter::PacketInfo info;
    info.tuple = tuple(s, d, "ICMP");
    info.icmp_type = 8;
    info.ip_id = ip_id;
    info.echo_id = 29580;
    info.echo_seq = seq;
    return info;
}

PathEvent event(uint64_t time, PacketDetails packet) {
    PathEvent e;
    e.func = "ip_rcv";
    e.time_ns = time;
    e.packet = packet;
    return e;
}

netfilter::TraceStep step(const char* chain, netfilter::PacketInfo packet) {
    netfilter::TraceStep s;
    s.backend = "iptables-legacy";
    s.table = "filter";
    s.chain = chain;
    s.kind = "rule";
    s.rule = 1;
    s.verdict = "DROP";
    s.packet = packet;
    return s;
}

TEST(StepMatch, SameHeadersMatchAndAnotherEchoDoesNot) {
    auto packet = echo("192.0.2.1", "192.0.2.2", 33575, 1);
    EXPECT_TRUE(step_matches_packet(echo_step("192.0.2.1", "192.0.2.2", 33575, 1), packet));
    EXPECT_FALSE(step_matches_packet(echo_step("192.0.2.1", "192.0.2.2", 33576, 2), packet));
    EXPECT_FALSE(step_matches_packet(echo_step("192.0.2.2", "192.0.2.1", 33575, 1), packet));
    auto no_identity = echo_step("192.0.2.1", "192.0.2.2", 0, 0);
    no_identity.ip_id.reset();
    no_identity.echo_id.reset();
    no_identity.echo_seq.reset();
    EXPECT_TRUE(step_matches_packet(no_identity, packet));  // only what both tell is compared
}

TEST(StepMatch, TcpSequenceNumbersTellSegmentsApart) {
    PacketDetails segment;
    segment.tuple = tuple("192.0.2.1", "192.0.2.2", "TCP");
    segment.tuple.sport = 43148;
    segment.tuple.dport = 7100;
    segment.tuple.has_ports = true;
    segment.has_l4 = true;
    segment.seq = 727381336;
    segment.ack = 0;
    netfilter::PacketInfo info;
    info.tuple = segment.tuple;
    info.tcp_seq = 727381336;
    info.tcp_ack = 0;
    EXPECT_TRUE(step_matches_packet(info, segment));
    info.tcp_seq = 727381337;
    EXPECT_FALSE(step_matches_packet(info, segment));
    info.tcp_seq = 727381336;
    info.tuple->dport = 7101;
    EXPECT_FALSE(step_matches_packet(info, segment));
}

TEST(StepJoin, EachPacketTakesItsOwnStepsInOrder) {
    StepJoin join;
    join.add(step("INPUT", echo_step("192.0.2.1", "192.0.2.2", 100, 1)), 1500);
    join.add(step("USERCHAIN", echo_step("192.0.2.1", "192.0.2.2", 100, 1)), 1600);
    join.add(step("INPUT", echo_step("192.0.2.1", "192.0.2.2", 101, 2)), 2500);
    Lifecycle first;
    first.events = {event(1000, echo("192.0.2.1", "192.0.2.2", 100, 1))};
    join.take_for(first);
    ASSERT_EQ(first.firewall.size(), 2u);
    EXPECT_EQ(first.firewall[0].chain, "INPUT");
    EXPECT_EQ(first.firewall[1].chain, "USERCHAIN");
    EXPECT_EQ(join.waiting(), 1u);
    Lifecycle second;
    second.events = {event(2000, echo("192.0.2.1", "192.0.2.2", 101, 2))};
    join.take_for(second);
    EXPECT_EQ(second.firewall.size(), 1u);
    EXPECT_EQ(join.waiting(), 0u);
}

TEST(StepJoin, AStepBeforeSourceNatFindsThePacketByItsEarlierHeaders) {
    StepJoin join;
    // raw PREROUTING saw the packet before its source was rewritten to 198.51.100.1.
    join.add(step("PREROUTING", echo_step("192.0.2.1", "192.0.2.2", 7, 1)), 5000);
    Lifecycle packet;
    packet.events = {event(4000, echo("192.0.2.1", "192.0.2.2", 7, 1)),
                     event(4100, echo("198.51.100.1", "192.0.2.2", 7, 1))};
    join.take_for(packet);
    EXPECT_EQ(packet.firewall.size(), 1u);
}

TEST(StepJoin, StepsReadBeforeThePacketLivedAreNotItsAndEndUpAlone) {
    StepJoin join;
    join.add(step("INPUT", echo_step("192.0.2.1", "192.0.2.2", 9, 1)), 500);
    Lifecycle later;  // the same headers again (a retransmission), later
    later.events = {event(1000, echo("192.0.2.1", "192.0.2.2", 9, 1))};
    join.take_for(later);
    EXPECT_TRUE(later.firewall.empty());
    EXPECT_TRUE(join.take_unjoined(400).empty());
    auto alone = join.take_unjoined(600);
    ASSERT_EQ(alone.size(), 1u);
    EXPECT_EQ(alone[0].chain, "INPUT");
    EXPECT_EQ(join.waiting(), 0u);
}

}  // namespace
}  // namespace ftnt
