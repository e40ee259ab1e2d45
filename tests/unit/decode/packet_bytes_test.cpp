// Where -w's packet starts and ends in a fetched window.
#include "decode/packet_bytes.h"

#include <gtest/gtest.h>

#include <vector>

namespace ftnt {
namespace {

// 20 bytes of something else, then an IPv4 header of total length 28 (UDP, 8 bytes), then
// bytes past the packet's end.
std::vector<uint8_t> window_with_ipv4_at_20() {
    std::vector<uint8_t> w(20, 0xaa);
    std::vector<uint8_t> ip = {0x45, 0, 0,   28, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0,
                               2,    1, 192, 0,  2, 2, 0, 7, 0,  9,  0, 8, 0,   0};
    w.insert(w.end(), ip.begin(), ip.end());
    w.resize(96, 0xee);
    return w;
}

TEST(CapturePacket, CutAtTheIpTotalLength) {
    auto w = window_with_ipv4_at_20();
    auto p = capture_packet(w, 20);
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->ethernet);
    EXPECT_EQ(p->original_length, 28u);
    ASSERT_EQ(p->bytes.size(), 28u);
    EXPECT_EQ(p->bytes.front(), 0x45);
    EXPECT_EQ(p->bytes.back(), 0);
}

TEST(CapturePacket, EthernetOnlyWhenItEndsWhereIpStarts) {
    auto w = window_with_ipv4_at_20();
    auto with = capture_packet(w, 20, 6);
    ASSERT_TRUE(with);
    EXPECT_TRUE(with->ethernet);
    EXPECT_EQ(with->bytes.size(), 42u);
    EXPECT_EQ(with->original_length, 42u);
    auto apart = capture_packet(w, 20, 0);  // 20 bytes before IP: not an Ethernet header
    ASSERT_TRUE(apart);
    EXPECT_FALSE(apart->ethernet);
    EXPECT_EQ(apart->bytes.size(), 28u);
}

TEST(CapturePacket, LongerThanTheWindowKeepsWhatWasFetched) {
    std::vector<uint8_t> w = {0x60, 0, 0, 0, 0x05, 0xdc, 17, 64};  // IPv6, payload 1500
    w.resize(96, 0);
    auto p = capture_packet(w, 0);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->bytes.size(), 96u);
    EXPECT_EQ(p->original_length, 1540u);
}

TEST(CapturePacket, NoIpHeaderNoPacket) {
    std::vector<uint8_t> w(40, 0x11);
    EXPECT_FALSE(capture_packet(w, 0));
    EXPECT_FALSE(capture_packet(w, 40));
}

TEST(CapturePacket, ZeroTotalLengthKeepsTheWindow) {
    auto w = window_with_ipv4_at_20();
    w[22] = 0;
    w[23] = 0;  // tot_len 0, as a GSO skb may carry
    auto p = capture_packet(w, 20);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->bytes.size(), 76u);
    EXPECT_EQ(p->original_length, 76u);
}

}  // namespace
}  // namespace ftnt
