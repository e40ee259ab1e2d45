#include "decode/path_event.h"

#include <gtest/gtest.h>

#include <cstring>

#include "decode/event_formats.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

// Offsets of tests/fixtures/kernel-6.1/kprobe___ip_local_out.format.
constexpr std::size_t kNetns = 35, kDev = 39, kDevp = 43, kSkp = 51, kSkns = 59, kSize = 192;

template <class T>
void put(std::vector<uint8_t>& raw, std::size_t offset, T value) {
    std::memcpy(raw.data() + offset, &value, sizeof value);
}

// A record of __ip_local_out whose dev string is empty (its __data_loc points at a NUL).
std::vector<uint8_t> record_without_device(uint64_t skp, uint32_t stale_netns, uint32_t skns) {
    std::vector<uint8_t> raw(kSize + 1, 0);
    put<uint32_t>(raw, kDev, 1u << 16 | kSize);  // length 1, at the end: ""
    put<uint32_t>(raw, kNetns, stale_netns);
    put<uint64_t>(raw, kDevp, 0);
    put<uint64_t>(raw, kSkp, skp);
    put<uint32_t>(raw, kSkns, skns);
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
