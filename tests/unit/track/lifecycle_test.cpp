#include "track/lifecycle.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

PathEvent at(const char* func, uint64_t skb, uint64_t time, bool frees = false) {
    PathEvent e;
    e.func = func;
    e.skb = skb;
    e.time_ns = time;
    e.tid = 9;
    e.frees_skb = frees;
    return e;
}

struct Collected {
    std::vector<std::vector<std::string>> blocks;
    LifecycleTracker tracker{[this](Lifecycle& l) {
        std::vector<std::string> funcs;
        for (const auto& e : l.events) funcs.push_back(e.func);
        blocks.push_back(funcs);
    }};
};

TEST(Lifecycle, MatchedPacketIsFollowedByAddressToItsFree) {
    Collected c;
    c.tracker.add(at("ip_rcv", 0x100, 1), true);
    c.tracker.add(at("ip_local_deliver", 0x100, 2), false);  // NAT may have changed its tuple
    c.tracker.add(at("ip_rcv", 0x200, 3), false);            // never matched: not followed
    c.tracker.add(at("skb:consume_skb", 0x100, 4, true), false);
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.blocks[0],
              (std::vector<std::string>{"ip_rcv", "ip_local_deliver", "skb:consume_skb"}));
}

TEST(Lifecycle, ClonesJoinTheBlockAndReturnsFindTheirEntry) {
    Collected c;
    c.tracker.add(at("neigh_resolve_output", 0x100, 1), true);
    c.tracker.add(at("skb_clone", 0x100, 2), false);
    c.tracker.add(at("nf_hook_slow", 0x100, 3), false);
    c.tracker.returned(9, "skb_clone", 0x300);  // the clone's address
    c.tracker.add(at("dev_queue_xmit_nit", 0x300, 4), false);
    c.tracker.add(at("skb:consume_skb", 0x100, 5, true), false);
    EXPECT_TRUE(c.tracker.is_followed(0x300));
    c.tracker.add(at("skb:consume_skb", 0x300, 6, true), false);
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.blocks[0].size(), 6u);
}

TEST(Lifecycle, IdlePacketsAreFlushed) {
    Collected c;
    c.tracker.add(at("ip_rcv", 0x100, 1'000), true);
    c.tracker.flush_idle(2'000, 10'000);
    EXPECT_TRUE(c.blocks.empty());
    c.tracker.flush_idle(1'000'000'000, 10'000);
    c.tracker.flush_all();
    EXPECT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.tracker.followed(), 0u);
}

}  // namespace
}  // namespace ftnt
