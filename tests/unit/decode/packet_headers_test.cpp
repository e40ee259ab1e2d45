#include "decode/packet_headers.h"

#include <gtest/gtest.h>

#include <vector>

namespace ftnt {
namespace {

// An IPv4 header (no options) followed by a TCP header, as the wire carries them.
std::vector<uint8_t> ipv4_tcp_syn() {
    std::vector<uint8_t> h = {0x45, 0, 0,   60, 0x12, 0x34, 0x40, 0, 64, 6,
                              0,    0, 192, 0,  2,    1,    192,  0, 2,  2};
    std::vector<uint8_t> tcp = {0x9c, 0x40, 0x00, 0x50, 0,    0,    0, 1, 0, 0,
                                0,    0,    0xa0, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    h.insert(h.end(), tcp.begin(), tcp.end());
    return h;
}

TEST(PacketHeaders, NetworkLayerWindow) {
    auto w = ipv4_tcp_syn();
    w.resize(96);
    auto d = decode_headers(w, filters::Layer::L3, 0x0800);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->tuple.source(), "192.0.2.1:40000");
    EXPECT_EQ(d->tuple.destination(), "192.0.2.2:80");
    EXPECT_EQ(d->tuple.l4, "TCP");
    EXPECT_EQ(tcp_flag_letters(d->tcp_flags), "S");
    EXPECT_EQ(d->seq, 1u);
    EXPECT_EQ(d->ip_id, std::optional<uint16_t>(0x1234));
}

TEST(PacketHeaders, TransportLayerWindowStartsFortyBytesEarly) {
    // At L4 the window begins 40 bytes before skb->data: an IPv4 header ends right there.
    std::vector<uint8_t> w(20, 0xee);
    auto packet = ipv4_tcp_syn();
    w.insert(w.end(), packet.begin(), packet.end());
    w.resize(96);
    auto d = decode_headers(w, filters::Layer::L4, 0x0800);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->tuple.source(), "192.0.2.1:40000");
}

TEST(PacketHeaders, LinkLayerAndIcmpv6Echo) {
    std::vector<uint8_t> w(14, 0);  // Ethernet header
    std::vector<uint8_t> ip6 = {0x60, 0, 0, 0, 0, 8, 58, 64};
    ip6.insert(ip6.end(), {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
    ip6.insert(ip6.end(), {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2});
    ip6.insert(ip6.end(), {128, 0, 0, 0, 0, 7, 0, 1});
    w.insert(w.end(), ip6.begin(), ip6.end());
    w.resize(96);
    auto d = decode_headers(w, filters::Layer::L2, 0x86dd);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->tuple.saddr_text(), "2001:db8::1");
    EXPECT_EQ(d->tuple.l4, "ICMPv6");
    EXPECT_EQ(icmp_description(6, d->icmp_type, d->icmp_code), "echo request");
    EXPECT_EQ(d->icmp_id, 7);
    EXPECT_EQ(d->icmp_seq, 1);
}

TEST(PacketHeaders, NotAnIpHeaderIsNoTuple) {
    std::vector<uint8_t> w(96, 0);
    EXPECT_FALSE(decode_headers(w, filters::Layer::L3, 0x0800));
    EXPECT_FALSE(decode_headers(w, filters::Layer::L3, 0x0806));
}

}  // namespace
}  // namespace ftnt
