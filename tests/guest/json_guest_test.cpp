// JSON of path events in the Debian 6.1 guest: a field a point cannot read is left out. At
// ip_output's entry skb->dev is still NULL: the reads through it fault, and a faulted kprobe
// fetcharg keeps the bytes of the event before it on that CPU (an ifindex and netns of
// another device), which must not be shown.
#include <gtest/gtest.h>

#include <set>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

TEST_F(PathGuest, EventsWithoutADeviceShowNoIfindexOrNetns) {
    NetnsPair ns("nodev");
    // No life points: no drop location to look up in a debug vmlinux (minutes under TCG).
    auto lines =
        run({"-t", "ip-in,ip-out,icmp,link-in,link-out", "--addr", NetnsPair::kAddrA, "-p", "icmp"},
            [&] { ASSERT_EQ(ns.run(ns.a(), "ping -c 2 -W 5 192.0.2.2 >/dev/null"), 0); });
    auto inode = [](const std::string& name) {
        return std::stoull(shell_output("stat -L -c %i /run/netns/" + name));
    };
    std::set<uint64_t> ours = {inode(ns.a()), inode(ns.b())};
    int without_device = 0, with_device = 0;
    for (const auto& event : lines) {
        if (event.value("type", "") != "event") continue;
        if (event.contains("dev")) {
            ++with_device;
            EXPECT_FALSE(event["dev"].get<std::string>().empty()) << event;
            EXPECT_GT(event.value("ifindex", 0), 0) << event;
            continue;
        }
        ++without_device;
        EXPECT_FALSE(event.contains("ifindex")) << event;
        // No device: the netns is the sending socket's (skb->sk), never a stale device read.
        if (event.contains("netns")) {
            EXPECT_TRUE(ours.count(event["netns"].get<uint64_t>())) << event;
        }
    }
    EXPECT_GT(with_device, 4) << dump(lines);
    EXPECT_GT(without_device, 0) << "ip_output has no device yet: " << dump(lines);
}

}  // namespace
}  // namespace ftnt::test
