// Verdict codes and trace headers of nf_tables trace messages. The header bytes are an IPv4
// echo request and a TCP SYN as the nf_tables trace on the 6.18 machine here carried them
// (192.0.2.1 -> 192.0.2.2 between test namespaces, 2026-11-22).
#include <gtest/gtest.h>

#include <vector>

#include "core/tcp_flags.h"
#include "netfilter/nft_trace_decode.h"

namespace ftnt::netfilter {
namespace {

TEST(NftTrace, VerdictNames) {
    EXPECT_EQ(nft_verdict_name(0, ""), "drop");
    EXPECT_EQ(nft_verdict_name(1, ""), "accept");
    EXPECT_EQ(nft_verdict_name(static_cast<uint32_t>(-1), ""), "continue");
    EXPECT_EQ(nft_verdict_name(static_cast<uint32_t>(-3), "USERCHAIN"), "jump USERCHAIN");
    EXPECT_EQ(nft_verdict_name(static_cast<uint32_t>(-4), "x"), "goto x");
    EXPECT_EQ(nft_verdict_name(static_cast<uint32_t>(-5), ""), "return");
    EXPECT_EQ(nft_verdict_name(0x00050003, ""), "queue");  // queue number in the high bits
    EXPECT_EQ(nfproto_family(1), "inet");
    EXPECT_EQ(nfproto_family(2), "ip");
    EXPECT_EQ(nfproto_family(10), "ip6");
}

TEST(NftTrace, Ipv4IcmpHeaders) {
    std::vector<uint8_t> ip = {0x45, 0x00, 0x00, 0x54, 0x84, 0x46, 0x40, 0x00, 0x40, 0x01,
                               0x00, 0x00, 192,  0,    2,    1,    192,  0,    2,    2};
    std::vector<uint8_t> icmp = {0x08, 0x00, 0x1e, 0xdd, 0x74, 0xfa, 0x00, 0x01};
    PacketInfo packet;
    decode_trace_headers(ip, icmp, packet);
    ASSERT_TRUE(packet.tuple);
    EXPECT_EQ(packet.tuple->saddr_text(), "192.0.2.1");
    EXPECT_EQ(packet.tuple->daddr_text(), "192.0.2.2");
    EXPECT_EQ(packet.tuple->l4, "ICMP");
    EXPECT_EQ(packet.icmp_type, 8);
    EXPECT_EQ(packet.length, 84u);
    EXPECT_EQ(packet.ip_id, std::optional<uint16_t>(0x8446));
    EXPECT_EQ(packet.echo_id, std::optional<uint16_t>(0x74fa));
    EXPECT_EQ(packet.echo_seq, std::optional<uint16_t>(1));
}

TEST(NftTrace, TcpSynHeaders) {
    std::vector<uint8_t> ip = {0x45, 0x00, 0x00, 0x3c, 0x12, 0x36, 0x40, 0x00, 0x40, 0x06,
                               0x00, 0x00, 192,  0,    2,    1,    192,  0,    2,    2};
    std::vector<uint8_t> tcp = {0xa8, 0x8c, 0x1b, 0xbc, 0x2b, 0x5a, 0x8c, 0x58, 0x00, 0x00,
                                0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00};
    PacketInfo packet;
    decode_trace_headers(ip, tcp, packet);
    ASSERT_TRUE(packet.tuple);
    EXPECT_EQ(packet.tuple->source(), "192.0.2.1:43148");
    EXPECT_EQ(packet.tuple->destination(), "192.0.2.2:7100");
    EXPECT_EQ(packet.tcp_flags, kTcpSyn);
    EXPECT_EQ(packet.tcp_seq, std::optional<uint32_t>(0x2b5a8c58));
    EXPECT_EQ(packet.tcp_ack, std::optional<uint32_t>(0));
    EXPECT_FALSE(packet.echo_id);
}

TEST(NftTrace, ShortOrMissingHeadersGiveNoTuple) {
    PacketInfo packet;
    decode_trace_headers({}, {}, packet);
    EXPECT_FALSE(packet.tuple);
    std::vector<uint8_t> short_ip = {0x45, 0x00};
    decode_trace_headers(short_ip, {}, packet);
    EXPECT_FALSE(packet.tuple);
}

}  // namespace
}  // namespace ftnt::netfilter
