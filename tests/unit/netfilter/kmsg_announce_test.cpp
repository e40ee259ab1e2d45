// The messages below were read from the kernel log on the 6.18 machine here (2026-11-27):
// `ping -I 127.0.0.77 127.0.0.77` under iptables-legacy rules in raw OUTPUT and PREROUTING,
// a LOG rule (prefix "ftnettrace:B1 ", --log-tcp-sequence) above a TRACE rule. The kernel
// wrote the LOG line before the packet's first TRACE line in raw OUTPUT; on lo the trace bit
// stays set, so in PREROUTING the TRACE line of the LOG rule itself comes first.
// Lines marked "edited" change one field of a recorded one, as said there.
#include <gtest/gtest.h>

#include "netfilter/kmsg_announce.h"
#include "netfilter/kmsg_lines.h"

namespace ftnt::netfilter {
namespace {

constexpr const char* kPrefix = "ftnettrace:B1 ";
constexpr uint64_t kLogTimeUs = 12688495593;
constexpr const char* kLogOut =
    "ftnettrace:B1 IN= OUT=lo SRC=127.0.0.77 DST=127.0.0.77 LEN=84 TOS=0x00 PREC=0x00 TTL=64 "
    "ID=22023 DF PROTO=ICMP TYPE=8 CODE=0 ID=27703 SEQ=1 ";
constexpr const char* kTraceOut =
    "TRACE: raw:OUTPUT:policy:3 IN= OUT=lo SRC=127.0.0.77 DST=127.0.0.77 LEN=84 TOS=0x00 "
    "PREC=0x00 TTL=64 ID=22023 DF PROTO=ICMP TYPE=8 CODE=0 ID=27703 SEQ=1 UID=0 GID=0 ";
constexpr const char* kTracePre =
    "TRACE: raw:PREROUTING:policy:3 IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 "
    "SRC=127.0.0.77 DST=127.0.0.77 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=22023 DF PROTO=ICMP "
    "TYPE=8 CODE=0 ID=27703 SEQ=1 ";
// The reply: its own IP ID, announced only by its own LOG line.
constexpr const char* kTraceReply =
    "TRACE: raw:OUTPUT:policy:3 IN= OUT=lo SRC=127.0.0.77 DST=127.0.0.77 LEN=84 TOS=0x00 "
    "PREC=0x00 TTL=64 ID=22024 PROTO=ICMP TYPE=0 CODE=0 ID=27703 SEQ=1 UID=0 GID=0 ";
constexpr const char* kLogReply =
    "ftnettrace:B1 IN= OUT=lo SRC=127.0.0.77 DST=127.0.0.77 LEN=84 TOS=0x00 PREC=0x00 TTL=64 "
    "ID=22024 PROTO=ICMP TYPE=0 CODE=0 ID=27703 SEQ=1 ";
// Edited: kTracePre with DST=127.0.0.1 and echo ID=1 (as after a DNAT in nat PREROUTING).
constexpr const char* kTraceAfterNat =
    "TRACE: filter:INPUT:policy:1 IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 "
    "SRC=127.0.0.77 DST=127.0.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=22023 DF PROTO=ICMP "
    "TYPE=8 CODE=0 ID=1 SEQ=1 ";

PacketInfo trace_packet(const char* message) {
    auto line = parse_trace_line(message);
    EXPECT_TRUE(line) << message;
    return line ? line->packet : PacketInfo{};
}

PacketInfo log_packet(const char* message) {
    auto packet = parse_prefixed_log(message, kPrefix);
    EXPECT_TRUE(packet) << message;
    return packet.value_or(PacketInfo{});
}

TEST(AnnouncedPackets, TraceLinesOfAnAnnouncedPacketInEveryHook) {
    AnnouncedPackets announced;
    EXPECT_FALSE(announced.announced(trace_packet(kTraceOut), kLogTimeUs));
    announced.announce(log_packet(kLogOut), kLogTimeUs);
    EXPECT_TRUE(announced.announced(trace_packet(kTraceOut), kLogTimeUs + 1981));
    EXPECT_TRUE(announced.announced(trace_packet(kTracePre), kLogTimeUs + 2048));
    EXPECT_TRUE(announced.announced(trace_packet(kTraceAfterNat), kLogTimeUs + 2100));
}

TEST(AnnouncedPackets, AnotherPacketOfTheSameFlowIsNotAnnouncedByTheFirst) {
    AnnouncedPackets announced;
    announced.announce(log_packet(kLogOut), kLogTimeUs);
    EXPECT_FALSE(announced.announced(trace_packet(kTraceReply), kLogTimeUs + 2062));
    announced.announce(log_packet(kLogReply), kLogTimeUs + 2060);
    EXPECT_TRUE(announced.announced(trace_packet(kTraceReply), kLogTimeUs + 2062));
}

TEST(AnnouncedPackets, AnnouncementsLastTheWindowAndTheCapacity) {
    AnnouncedPackets announced(1'000'000, 2);
    announced.announce(log_packet(kLogOut), kLogTimeUs);
    EXPECT_TRUE(announced.announced(trace_packet(kTraceOut), kLogTimeUs + 1'000'000));
    EXPECT_FALSE(announced.announced(trace_packet(kTraceOut), kLogTimeUs + 1'000'001));
    // Two more packets: the first is forgotten.
    announced.announce(log_packet(kLogReply), kLogTimeUs + 10);
    auto third = log_packet(kLogReply);
    third.ip_id = 22025;
    announced.announce(third, kLogTimeUs + 20);
    EXPECT_EQ(announced.size(), 2u);
    EXPECT_FALSE(announced.announced(trace_packet(kTraceOut), kLogTimeUs + 30));
    EXPECT_TRUE(announced.announced(trace_packet(kTraceReply), kLogTimeUs + 30));
    // A later announcement of a packet moves it on; stale entries go with the window.
    announced.announce(log_packet(kLogReply), kLogTimeUs + 3'000'000);
    EXPECT_EQ(announced.size(), 1u);
}

// Recorded on the same machine (2026-11-22), kmsg_lines_test.cpp: ping -6 between two test
// namespaces. IPv6 has no ID: the other fields tell the packets apart.
constexpr const char* kTrace6 =
    "TRACE: filter:INPUT:rule:1 IN=ftntmb OUT= MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:86:dd "
    "SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 "
    "LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=879608 PROTO=ICMPv6 TYPE=128 CODE=0 ID=6028 SEQ=1 ";
// Edited: the same packet as the run's LOG line would write it (prefix, no MAC change).
constexpr const char* kLog6 =
    "ftnettrace:B1 IN=ftntmb OUT= MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:86:dd "
    "SRC=2001:0db8:0000:0000:0000:0000:0000:0001 DST=2001:0db8:0000:0000:0000:0000:0000:0002 "
    "LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=879608 PROTO=ICMPv6 TYPE=128 CODE=0 ID=6028 SEQ=1 ";

TEST(AnnouncedPackets, Ipv6ByAddressesAndEcho) {
    AnnouncedPackets announced;
    announced.announce(log_packet(kLog6), 100);
    EXPECT_TRUE(announced.announced(trace_packet(kTrace6), 200));
    auto next_seq = trace_packet(kTrace6);
    next_seq.echo_seq = 2;
    EXPECT_FALSE(announced.announced(next_seq, 200));
    auto other_id = trace_packet(kTrace6);
    other_id.echo_id = 6029;
    EXPECT_FALSE(announced.announced(other_id, 200));
}

// kmsg_lines_test.cpp's RST (ID=0, 2026-11-22): without an IP ID the endpoints count.
TEST(AnnouncedPackets, Ipv4WithoutIdByEndpoints) {
    constexpr const char* kRst =
        "TRACE: raw:OUTPUT:policy:3 IN= OUT=ftntmb SRC=192.0.2.2 DST=192.0.2.1 LEN=40 TOS=0x00 "
        "PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=7100 DPT=43148 SEQ=0 ACK=727381337 WINDOW=0 "
        "RES=0x00 ACK RST URGP=0 ";
    auto rst = trace_packet(kRst);
    AnnouncedPackets announced;
    announced.announce(rst, 100);
    EXPECT_TRUE(announced.announced(rst, 101));
    auto other_port = rst;
    other_port.tuple->dport = 43149;
    EXPECT_FALSE(announced.announced(other_port, 101));
    EXPECT_EQ(announce_key(PacketInfo{}), "");
}

}  // namespace
}  // namespace ftnt::netfilter
