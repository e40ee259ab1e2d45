// The path event decoder on the kprobe format files the 6.1 guest kernel gave for the golden
// plan's ip_rcv, nf_hook_slow and nf_hook_slow_ret (tests/fixtures/kernel-6.1/kprobe_*.format,
// README there): kprobe records are packed, so fields sit at odd offsets (ifindex at 31).
// The records are written at the offsets the recorded files state, byte by byte.
#include "decode/path_event.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "discover/event_formats.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

template <typename T>
void put(std::vector<uint8_t>& record, std::size_t offset, T value) {
    std::memcpy(record.data() + offset, &value, sizeof value);
}

void put_bytes(std::vector<uint8_t>& record, std::size_t offset, std::vector<uint8_t> bytes) {
    std::memcpy(record.data() + offset, bytes.data(), bytes.size());
}

TEST(PathEventDecoder, IpRcvKprobeRecordOf61) {
    EventFormats formats;
    tep_event* event =
        formats.parse(test::fixture("kernel-6.1/kprobe_ip_rcv.format"), "ftnettrace_1");
    ASSERT_NE(event, nullptr);
    // Offsets from kprobe_ip_rcv.format.
    std::vector<uint8_t> record(224, 0);
    put<uint64_t>(record, 16, 0xffff888003a1b200);  // skb
    put<uint32_t>(record, 24, 84);                  // len
    put<uint16_t>(record, 28, 0x0008);              // proto: ETH_P_IP as it sits in memory
    put<uint8_t>(record, 30, 0);                    // pkt_type HOST
    put<int32_t>(record, 31, 2);                    // ifindex
    put<uint32_t>(record, 35, 4026531840u);         // netns
    put<uint32_t>(record, 39, (6u << 16) | 207u);   // dev: __data_loc, "veth0\0" at 207
    put_bytes(record, 207, {'v', 'e', 't', 'h', '0', 0});
    put<uint16_t>(record, 47, 14);                                // maclen
    put_bytes(record, 49, {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});  // mac: destination, source
    // hdr: an IPv4 echo request 192.0.2.1 -> 192.0.2.2, id 0x1234, ICMP id 7 seq 3.
    put_bytes(record, 61, {0x45, 0, 0,   84, 0x12, 0x34, 0x40, 0, 0, 1, 0, 0, 192, 0,
                           2,    1, 192, 0,  2,    2,    8,    0, 0, 0, 0, 7, 0,   3});

    PathEventDecoder decoder(event, "ip_rcv", filters::Layer::L3, {}, "entry");
    PathEvent out;
    ASSERT_TRUE(decoder.decode(record, out));
    EXPECT_EQ(out.func, "ip_rcv");
    EXPECT_EQ(out.skb, 0xffff888003a1b200u);
    EXPECT_EQ(out.len, 84u);
    EXPECT_EQ(out.ethertype, 0x0800);
    EXPECT_EQ(out.pkt_type, 0);
    EXPECT_EQ(out.ifindex, 2);
    EXPECT_EQ(out.netns, 4026531840u);
    EXPECT_EQ(out.dev, "veth0");
    EXPECT_TRUE(out.entry_point);
    EXPECT_FALSE(out.frees_skb);
    ASSERT_TRUE(out.packet);
    EXPECT_EQ(out.packet->tuple.saddr_text(), "192.0.2.1");
    EXPECT_EQ(out.packet->tuple.daddr_text(), "192.0.2.2");
    EXPECT_EQ(out.packet->ip_protocol, 1);
    EXPECT_EQ(out.packet->icmp_type, 8);
    EXPECT_EQ(out.packet->icmp_id, 7);
    EXPECT_EQ(out.packet->icmp_seq, 3);
    EXPECT_EQ(out.packet->ip_id, 0x1234);
    ASSERT_TRUE(out.smac && out.dmac);
    EXPECT_EQ((*out.dmac)[5], 2);
    EXPECT_EQ((*out.smac)[5], 1);
    // -w's bytes: from the IP header (an L3 point: no Ethernet header in the window), cut at
    // the IP total length (84) though the window holds 96.
    ASSERT_TRUE(out.bytes);
    EXPECT_FALSE(out.bytes->ethernet);
    EXPECT_EQ(out.bytes->original_length, 84u);
    ASSERT_EQ(out.bytes->bytes.size(), 84u);
    EXPECT_EQ(out.bytes->bytes[0], 0x45);
    EXPECT_EQ(out.bytes->bytes[12], 192);
}

TEST(PathEventDecoder, NfHookSlowFieldsAndItsReturnOf61) {
    EventFormats formats;
    tep_event* entry =
        formats.parse(test::fixture("kernel-6.1/kprobe_nf_hook_slow.format"), "ftnettrace_1");
    tep_event* exit =
        formats.parse(test::fixture("kernel-6.1/kprobe_nf_hook_slow_ret.format"), "ftnettrace_1");
    ASSERT_TRUE(entry && exit);
    // Offsets from kprobe_nf_hook_slow.format.
    std::vector<uint8_t> record(272, 0);
    put<uint64_t>(record, 16, 0xffff888003a1b200);
    put<uint8_t>(record, 193, 2);  // pf NFPROTO_IPV4
    put<uint8_t>(record, 194, 1);  // hook NF_INET_LOCAL_IN
    put<uint16_t>(record, 195, 2);
    put<uint32_t>(record, 197, 0);
    put<uint64_t>(record, 201, 0xffffffffc0a01000);
    put<uint64_t>(record, 209, 0xffffffffc0b02000);
    PathEventDecoder decoder(entry, "nf_hook_slow", filters::Layer::L3,
                             {"pf", "hook", "hook_count", "hook_start", "hook_fn0", "hook_fn1"});
    PathEvent out;
    ASSERT_TRUE(decoder.decode(record, out));
    std::vector<std::pair<std::string, std::string>> want = {
        {"pf", "2"},
        {"hook", "1"},
        {"hook_count", "2"},
        {"hook_start", "0"},
        {"hook_fn0", std::to_string(0xffffffffc0a01000)},
        {"hook_fn1", std::to_string(0xffffffffc0b02000)}};
    EXPECT_EQ(out.extra, want);

    // The kretprobe's ret is an s32 (ret_type): -EPERM reads as -1, not 4294967295.
    std::vector<uint8_t> ret_record(32, 0);
    put<int32_t>(ret_record, 24, -1);
    PathEventDecoder ret_decoder(exit, "nf_hook_slow", filters::Layer::None);
    PathEvent ret;
    ASSERT_TRUE(ret_decoder.is_return());
    ASSERT_TRUE(ret_decoder.decode(ret_record, ret));
    EXPECT_EQ(ret.retval, -1);
}

template <class T>
void put_at(std::vector<uint8_t>& raw, std::size_t offset, T value) {
    std::memcpy(raw.data() + offset, &value, sizeof value);
}

// Offsets of tests/fixtures/kernel-6.1/kprobe___ip_local_out.format.
constexpr std::size_t kNetns = 35, kDev = 39, kDevp = 43, kSkp = 51, kSkns = 59, kSize = 192;

// A record of __ip_local_out whose dev string is empty (its __data_loc points at a NUL).
std::vector<uint8_t> record_without_device(uint64_t skp, uint32_t stale_netns, uint32_t skns) {
    std::vector<uint8_t> raw(kSize + 1, 0);
    put_at<uint32_t>(raw, kDev, 1u << 16 | kSize);  // length 1, at the end: ""
    put_at<uint32_t>(raw, kNetns, stale_netns);
    put_at<uint64_t>(raw, kDevp, 0);
    put_at<uint64_t>(raw, kSkp, skp);
    put_at<uint32_t>(raw, kSkns, skns);
    return raw;
}

PathEvent decoded(const std::vector<uint8_t>& raw) {
    EventFormats formats;
    auto* event =
        formats.parse(test::fixture("kernel-6.1/kprobe___ip_local_out.format"), "ftnettrace_123");
    PathEventDecoder decoder(event, "__ip_local_out", filters::Layer::L3, {}, "entry");
    PathEvent out;
    decoder.decode(raw, out);
    return out;
}

// REJECT's reset (nf_send_reset) has neither skb->dev nor skb->sk: both reads fault and keep
// stale bytes (69 seen in the 6.1 guest). The netns is unknown then.
TEST(PathEventDecoder, Kernel61NoDeviceNoSocketGivesNoNetns) {
    auto event = decoded(record_without_device(0, 69, 69));
    EXPECT_EQ(event.netns, 0u);
    EXPECT_EQ(event.ifindex, 0);
}

TEST(PathEventDecoder, Kernel61NoDeviceTakesTheSocketsNetns) {
    auto event = decoded(record_without_device(0xff205b3e5fce6f00, 69, 4026532226));
    EXPECT_EQ(event.netns, 4026532226u);
}

}  // namespace
}  // namespace ftnt
