#include "decode/drop_point.h"

#include <gtest/gtest.h>

#include <vector>

namespace ftnt {
namespace {

// A SYN from 192.0.2.1:40000 to 192.0.2.2:80 as it sits in an skb's buffer: Ethernet
// (dst 02:00:00:00:00:02, src 02:00:00:00:00:01), IPv4 (IHL 5), TCP.
std::vector<uint8_t> syn_frame() {
    std::vector<uint8_t> f = {0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00};
    std::vector<uint8_t> ip = {0x45, 0, 0,   40, 0x12, 0x34, 0x40, 0, 64, 6,
                               0,    0, 192, 0,  2,    1,    192,  0, 2,  2};
    std::vector<uint8_t> tcp = {0x9c, 0x40, 0,    80,   0,    0,    0, 1, 0, 0,
                                0,    0,    0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0};
    f.insert(f.end(), ip.begin(), ip.end());
    f.insert(f.end(), tcp.begin(), tcp.end());
    return f;
}

constexpr int kBefore = 128;

// The window the kprobe reads: 128 bytes before skb->data, 256 in all; the frame starts
// `mac` bytes after skb->head.
struct Buffer {
    std::vector<uint8_t> window = std::vector<uint8_t>(256, 0xee);
    DropPointFetch fetch;
    Buffer(uint64_t data_from_head, uint16_t mac) {
        auto frame = syn_frame();
        fetch.head = 0xffff888000001000;
        fetch.data = fetch.head + data_from_head;
        uint64_t start = fetch.data - kBefore;
        for (std::size_t i = 0; i < frame.size(); ++i) {
            uint64_t address = fetch.head + mac + i;
            if (address >= start && address < start + window.size())
                window[address - start] = frame[i];
        }
        fetch.mac_header = mac;
        fetch.network_header = static_cast<uint16_t>(mac + 14);
        fetch.ethertype = 0x0800;
        fetch.window = window;
        fetch.window_before = kBefore;
    }
};

TEST(DropPoint, TcpDropWithDataAtTheTransportHeader) {
    // tcp_v4_rcv: skb->data at the TCP header, 64 bytes of headroom before the frame.
    Buffer b(64 + 14 + 20, 64);
    auto h = headers_at_drop_point(b.fetch);
    ASSERT_TRUE(h.tuple);
    EXPECT_EQ(h.tuple->l4, "TCP");
    EXPECT_EQ(h.tuple->saddr_text(), "192.0.2.1");
    EXPECT_EQ(h.tuple->daddr_text(), "192.0.2.2");
    EXPECT_EQ(h.tuple->sport, 40000);
    EXPECT_EQ(h.tuple->dport, 80);
    ASSERT_TRUE(h.mac);
    EXPECT_EQ(format_mac(h.mac->source), "02:00:00:00:00:01");
    EXPECT_EQ(format_mac(h.mac->destination), "02:00:00:00:00:02");
}

TEST(DropPoint, NetfilterDropWithDataAtTheNetworkHeader) {
    Buffer b(64 + 14, 64);
    auto h = headers_at_drop_point(b.fetch);
    ASSERT_TRUE(h.tuple);
    EXPECT_EQ(h.tuple->dport, 80);
    EXPECT_TRUE(h.mac);
}

TEST(DropPoint, NoMacWhenMacHeaderIsUnset) {
    Buffer b(64 + 14, 64);
    b.fetch.mac_header = 0xffff;
    auto h = headers_at_drop_point(b.fetch);
    EXPECT_TRUE(h.tuple);
    EXPECT_FALSE(h.mac);
}

TEST(DropPoint, SmallHeadroomStillFindsTheHeaders) {
    // 2 bytes of headroom: the window starts 112 bytes before skb->head.
    Buffer b(2 + 14, 2);
    auto h = headers_at_drop_point(b.fetch);
    ASSERT_TRUE(h.tuple);
    EXPECT_EQ(h.tuple->sport, 40000);
    EXPECT_TRUE(h.mac);
}

TEST(DropPoint, NoTupleWhenTheNetworkHeaderIsUnsetOrOutside) {
    Buffer b(64 + 14, 64);
    b.fetch.network_header = 0xffff;
    EXPECT_FALSE(headers_at_drop_point(b.fetch).tuple);
    b.fetch.network_header = 1000;  // past the window
    EXPECT_FALSE(headers_at_drop_point(b.fetch).tuple);
}

TEST(DropPoint, ProtocolOtherThanIpGivesNoTuple) {
    Buffer b(64 + 14, 64);
    b.fetch.ethertype = 0x0806;
    EXPECT_FALSE(headers_at_drop_point(b.fetch).tuple);
}

TEST(DropPoint, BytesStartAtTheEthernetHeaderWhenItWasFetched) {
    Buffer b(64 + 14 + 20, 64);
    auto h = headers_at_drop_point(b.fetch);
    ASSERT_TRUE(h.bytes);
    EXPECT_TRUE(h.bytes->ethernet);
    EXPECT_EQ(h.bytes->original_length, 54u);  // 14 + the IPv4 total length 40
    EXPECT_EQ(h.bytes->bytes, syn_frame());    // not one byte of the 0xee after it
}

TEST(DropPoint, BytesStartAtTheIpHeaderWithoutAMacHeader) {
    Buffer b(64 + 14 + 20, 64);
    b.fetch.mac_header = 0xffff;  // not set (a locally made packet)
    auto h = headers_at_drop_point(b.fetch);
    ASSERT_TRUE(h.bytes);
    EXPECT_FALSE(h.bytes->ethernet);
    auto frame = syn_frame();
    EXPECT_EQ(h.bytes->bytes, std::vector<uint8_t>(frame.begin() + 14, frame.end()));
}

}  // namespace
}  // namespace ftnt
