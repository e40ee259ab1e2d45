// The records below were read from /dev/kmsg on the 6.18 machine here (2026-11-22) while
// iptables-legacy TRACE rules of ftnettrace traced a ping, a ping -6 and a TCP SYN between two
// test namespaces (nf_log_syslog, net.netfilter.nf_log_all_netns=1).
#include <gtest/gtest.h>

#include "core/tcp_flags.h"
#include "netfilter/kmsg_lines.h"

namespace ftnt::netfilter {
namespace {

constexpr const char* kIcmpUserChain =
    "4,377,4975168440,-;TRACE: filter:USERCHAIN:rule:1 IN=ftntxb OUT= "
    "MAC=d6:68:bd:9d:90:8e:aa:31:3d:2c:f0:5d:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=84 TOS=0x00 "
    "PREC=0x00 TTL=64 ID=33575 DF PROTO=ICMP TYPE=8 CODE=0 ID=29580 SEQ=1 \n";
constexpr const char* kTcpSyn =
    "4,390,5814985632,-;TRACE: filter:INPUT:rule:1 IN=ftntmb OUT= "
    "MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=60 TOS=0x00 "
    "PREC=0x00 TTL=64 ID=4662 DF PROTO=TCP SPT=43148 DPT=7100 SEQ=727381336 ACK=0 WINDOW=64240 "
    "RES=0x00 SYN URGP=0 OPT (020405B40402080A27F7A399000000000103030A) \n";
constexpr const char* kTcpRstOut =
    "4,391,5814985657,-;TRACE: raw:OUTPUT:policy:3 IN= OUT=ftntmb SRC=192.0.2.2 DST=192.0.2.1 "
    "LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=7100 DPT=43148 SEQ=0 "
    "ACK=727381337 WINDOW=0 RES=0x00 ACK RST URGP=0 \n";
constexpr const char* kIcmp6Echo =
    "4,386,5814980422,-;TRACE: filter:INPUT:rule:1 IN=ftntmb OUT= "
    "MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:86:dd "
    "SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 "
    "LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=879608 PROTO=ICMPv6 TYPE=128 CODE=0 ID=6028 SEQ=1 \n";

TEST(KmsgRecord, HeaderFieldsAndFirstLine) {
    auto record = parse_kmsg_record(std::string(kIcmpUserChain) + " SUBSYSTEM=net\n");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->priority, 4);
    EXPECT_EQ(record->sequence, 377u);
    EXPECT_EQ(record->time_us, 4975168440u);
    EXPECT_TRUE(record->message.starts_with("TRACE: filter:USERCHAIN:rule:1 IN=ftntxb"));
    EXPECT_EQ(record->message.find('\n'), std::string::npos);
    EXPECT_FALSE(parse_kmsg_record("no header here"));
    EXPECT_FALSE(parse_kmsg_record("x,1,2,-;text"));
}

TEST(TraceLine, IcmpInAUserChain) {
    auto line = parse_trace_line(parse_kmsg_record(kIcmpUserChain)->message);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->table, "filter");
    EXPECT_EQ(line->chain, "USERCHAIN");
    EXPECT_EQ(line->kind, "rule");
    EXPECT_EQ(line->number, 1u);
    EXPECT_EQ(line->packet.in, "ftntxb");
    EXPECT_EQ(line->packet.out, "");
    ASSERT_TRUE(line->packet.tuple);
    EXPECT_EQ(line->packet.tuple->saddr_text(), "192.0.2.1");
    EXPECT_EQ(line->packet.tuple->daddr_text(), "192.0.2.2");
    EXPECT_EQ(line->packet.tuple->l4, "ICMP");
    EXPECT_FALSE(line->packet.tuple->has_ports);
    EXPECT_EQ(line->packet.icmp_type, 8);
    EXPECT_EQ(line->packet.icmp_code, 0);
    EXPECT_EQ(line->packet.length, 84u);  // the IP header's LEN, not a later one
}

TEST(TraceLine, TcpSynPortsAndFlags) {
    auto line = parse_trace_line(parse_kmsg_record(kTcpSyn)->message);
    ASSERT_TRUE(line && line->packet.tuple);
    EXPECT_TRUE(line->packet.tuple->has_ports);
    EXPECT_EQ(line->packet.tuple->sport, 43148);
    EXPECT_EQ(line->packet.tuple->dport, 7100);
    EXPECT_EQ(line->packet.tcp_flags, ::ftnt::kTcpSyn);
}

// What tells one packet of a flow from the next: the IP header's ID (not the echo's ID
// after PROTO=), TCP SEQ/ACK (not the bare ACK flag), the echo's ID and SEQ.
TEST(TraceLine, PacketIdentityFields) {
    auto icmp = parse_trace_line(parse_kmsg_record(kIcmpUserChain)->message);
    ASSERT_TRUE(icmp);
    EXPECT_EQ(icmp->packet.ip_id, std::optional<uint16_t>(33575));
    EXPECT_EQ(icmp->packet.echo_id, std::optional<uint16_t>(29580));
    EXPECT_EQ(icmp->packet.echo_seq, std::optional<uint16_t>(1));
    EXPECT_FALSE(icmp->packet.tcp_seq);
    auto syn = parse_trace_line(parse_kmsg_record(kTcpSyn)->message);
    ASSERT_TRUE(syn);
    EXPECT_EQ(syn->packet.ip_id, std::optional<uint16_t>(4662));
    EXPECT_EQ(syn->packet.tcp_seq, std::optional<uint32_t>(727381336));
    EXPECT_EQ(syn->packet.tcp_ack, std::optional<uint32_t>(0));
    EXPECT_FALSE(syn->packet.echo_id);
    auto rst = parse_trace_line(parse_kmsg_record(kTcpRstOut)->message);
    ASSERT_TRUE(rst);
    EXPECT_EQ(rst->packet.tcp_ack, std::optional<uint32_t>(727381337));
    EXPECT_EQ(rst->packet.tcp_flags, kTcpAck | kTcpRst);
    auto echo6 = parse_trace_line(parse_kmsg_record(kIcmp6Echo)->message);
    ASSERT_TRUE(echo6);
    EXPECT_FALSE(echo6->packet.ip_id);  // IPv6 has none
    EXPECT_EQ(echo6->packet.echo_id, std::optional<uint16_t>(6028));
    EXPECT_EQ(echo6->packet.echo_seq, std::optional<uint16_t>(1));
}

TEST(TraceLine, PolicyStepOnOutput) {
    auto line = parse_trace_line(parse_kmsg_record(kTcpRstOut)->message);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->table, "raw");
    EXPECT_EQ(line->chain, "OUTPUT");
    EXPECT_EQ(line->kind, "policy");
    EXPECT_EQ(line->number, 3u);
    EXPECT_EQ(line->packet.in, "");
    EXPECT_EQ(line->packet.out, "ftntmb");
    EXPECT_EQ(line->packet.tcp_flags, kTcpAck | kTcpRst);
}

TEST(TraceLine, Ipv6AddressesAsNfLogPrintsThem) {
    auto line = parse_trace_line(parse_kmsg_record(kIcmp6Echo)->message);
    ASSERT_TRUE(line && line->packet.tuple);
    EXPECT_EQ(line->packet.tuple->family, 6);
    EXPECT_EQ(line->packet.tuple->saddr_text(), "2001:db8::1");
    EXPECT_EQ(line->packet.tuple->daddr_text(), "2001:db8::2");
    EXPECT_EQ(line->packet.tuple->l4, "ICMPv6");
    EXPECT_EQ(line->packet.icmp_type, 128);
}

// kIcmpUserChain with the chain renamed `x:rule:1` (iptables accepts ':' in a chain name; the
// kernel prints "table:chain:kind:number" with the name as it is).
TEST(TraceLine, ChainNameWithColons) {
    std::string record = kIcmpUserChain;
    record.replace(record.find("USERCHAIN"), 9, "x:rule:1");
    auto line = parse_trace_line(parse_kmsg_record(record)->message);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->table, "filter");
    EXPECT_EQ(line->chain, "x:rule:1");
    EXPECT_EQ(line->kind, "rule");
    EXPECT_EQ(line->number, 1u);
    EXPECT_FALSE(parse_trace_line("TRACE: filter:rule:1 IN=a OUT= SRC=1.2.3.4 DST=1.2.3.5"));
    EXPECT_FALSE(parse_trace_line("TRACE: :INPUT:rule:1 IN=a OUT= SRC=1.2.3.4 DST=1.2.3.5"));
}

TEST(TraceLine, OtherMessagesAreNotTraceLines) {
    EXPECT_FALSE(parse_trace_line("ftnettrace-invalid: IN=a OUT= SRC=192.0.2.1 DST=192.0.2.2"));
    EXPECT_FALSE(parse_trace_line("TRACE: nonsense"));
    EXPECT_FALSE(parse_trace_line("TRACE: filter:INPUT:jump:1 IN=a OUT= SRC=1.2.3.4 DST=1.2.3.5"));
}

TEST(PrefixedLog, InvalidPacketLine) {
    // The LOG body is the same as TRACE's; the prefix is ours.
    auto packet = parse_prefixed_log(
        "ftnettrace-invalid: IN=ftntmb OUT= MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:08:00 "
        "SRC=192.0.2.1 DST=192.0.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP "
        "SPT=43148 DPT=7100 SEQ=1 ACK=0 WINDOW=0 RES=0x00 ACK URGP=0 ",
        "ftnettrace-invalid: ");
    ASSERT_TRUE(packet && packet->tuple);
    EXPECT_EQ(packet->tuple->source(), "192.0.2.1:43148");
    EXPECT_EQ(packet->tcp_flags, kTcpAck);
    EXPECT_FALSE(
        parse_prefixed_log("TRACE: raw:OUTPUT:policy:3 IN= OUT=x", "ftnettrace-invalid: "));
}

}  // namespace
}  // namespace ftnt::netfilter
