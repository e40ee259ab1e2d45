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
    c.tracker.returned(9, "skb_clone", 0x300, true);  // the clone's address
    c.tracker.add(at("dev_queue_xmit_nit", 0x300, 4), false);
    c.tracker.add(at("skb:consume_skb", 0x100, 5, true), false);
    EXPECT_TRUE(c.tracker.is_followed(0x300));
    c.tracker.add(at("skb:consume_skb", 0x300, 6, true), false);
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.blocks[0].size(), 6u);
}

TEST(Lifecycle, ACloneReturnedAfterItsBlockClosedDoesNotShowTheBlockTwice) {
    // The original is freed between skb_clone's entry and its return (another CPU): the clone
    // is not followed, and the closed block is shown once.
    Collected c;
    c.tracker.add(at("ip_rcv", 0x100, 1), true);
    c.tracker.add(at("skb_clone", 0x100, 2), false);
    c.tracker.add(at("skb:consume_skb", 0x100, 3, true), false);
    c.tracker.returned(9, "skb_clone", 0x300, true);
    c.tracker.add(at("skb:consume_skb", 0x300, 4, true), false);
    c.tracker.flush_all();
    EXPECT_EQ(c.blocks.size(), 1u);
    EXPECT_FALSE(c.tracker.is_followed(0x300));
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

// A TCP segment as the headers of an event show it.
PacketDetails segment(uint8_t flags, uint32_t seq, uint16_t sport = 40000, uint16_t dport = 8080) {
    PacketDetails d;
    d.tuple.family = 4;
    d.tuple.saddr = {192, 0, 2, 1};
    d.tuple.daddr = {192, 0, 2, 2};
    d.tuple.sport = sport;
    d.tuple.dport = dport;
    d.tuple.has_ports = true;
    d.tuple.l4 = "TCP";
    d.ip_protocol = 6;
    d.has_l4 = true;
    d.tcp_flags = flags;
    d.seq = seq;
    return d;
}

PathEvent entry(const char* func, uint64_t skb, uint64_t time, const PacketDetails& packet) {
    PathEvent e = at(func, skb, time);
    e.entry_point = true;
    e.packet = packet;
    return e;
}

// An echo reply as an event's headers show it.
PacketDetails echo_reply() {
    PacketDetails d;
    d.tuple.family = 4;
    d.tuple.saddr = {192, 0, 2, 2};
    d.tuple.daddr = {192, 0, 2, 1};
    d.tuple.l4 = "ICMP";
    d.ip_protocol = 1;
    d.has_l4 = true;
    d.icmp_type = 0;
    d.icmp_code = 0;
    d.icmp_id = 7;
    d.icmp_seq = 1;
    return d;
}

TEST(Lifecycle, AReplyClonedIntoItsRequestsFreedAddressStaysOneBlock) {
    // Recorded on 6.1 (ping with in-kernel following): the request at 0x200 is freed, the
    // reply at 0x100 is cloned for a raw socket into the same memory, then both are freed.
    Collected c;
    c.tracker.add(entry("__ip_local_out", 0x200, 1, echo_reply()), true);
    c.tracker.add(at("skb:consume_skb", 0x200, 2, true), false);
    c.tracker.add(entry("__netif_receive_skb", 0x100, 3, echo_reply()), true);
    c.tracker.add(entry("ip_local_deliver_finish", 0x100, 4, echo_reply()), false);
    c.tracker.add(at("skb_clone", 0x100, 5), false);
    c.tracker.returned(9, "skb_clone", 0x200, true);
    c.tracker.add(entry("icmp_rcv", 0x100, 6, echo_reply()), false);
    c.tracker.add(at("skb:kfree_skb", 0x100, 7, true), false);
    c.tracker.add(at("skb:consume_skb", 0x200, 8, true), false);
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 2u);
    EXPECT_EQ(c.blocks[1].size(), 6u);
}

TEST(Lifecycle, AnotherPacketAtTheSameAddressAtAnEntryPointStartsANewBlock) {
    // The SYN-ACK's skb was recycled without a free event (napi cache, GRO): the ACK that
    // arrives in the same memory must not be appended to the SYN-ACK's block.
    Collected c;
    c.tracker.add(entry("__netif_receive_skb", 0x100, 1, segment(0x12, 1000)), true);
    c.tracker.add(at("tcp_v4_rcv", 0x100, 2), false);
    c.tracker.add(entry("__netif_receive_skb", 0x100, 3, segment(0x10, 1001)), true);
    c.tracker.add(at("tcp_v4_rcv", 0x100, 4), false);
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 2u);
    EXPECT_EQ(c.blocks[0], (std::vector<std::string>{"__netif_receive_skb", "tcp_v4_rcv"}));
    EXPECT_EQ(c.blocks[1], (std::vector<std::string>{"__netif_receive_skb", "tcp_v4_rcv"}));
}

TEST(Lifecycle, AnotherPacketThatDoesNotMatchIsNotFollowedAtAll) {
    Collected c;
    c.tracker.add(entry("__dev_queue_xmit", 0x100, 1, segment(0x02, 7)), true);
    c.tracker.add(entry("__dev_queue_xmit", 0x100, 2, segment(0x10, 9, 5353, 5353)), false);
    c.tracker.add(at("veth_xmit", 0x100, 3), false);
    EXPECT_FALSE(c.tracker.is_followed(0x100));
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.blocks[0], (std::vector<std::string>{"__dev_queue_xmit"}));
}

TEST(Lifecycle, TheSamePacketAtTheNextEntryPointStaysInItsBlock) {
    // veth: sent by one namespace, received by the other, the same skb and headers.
    Collected c;
    c.tracker.add(entry("__dev_queue_xmit", 0x100, 1, segment(0x10, 5)), true);
    c.tracker.add(at("veth_xmit", 0x100, 2), false);
    c.tracker.add(entry("__netif_receive_skb", 0x100, 3, segment(0x10, 5)), true);
    c.tracker.add(at("skb:consume_skb", 0x100, 4, true), false);
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.blocks[0].size(), 4u);
}

TEST(Lifecycle, AFreeWithoutTracepointEndsTheBlock) {
    // kfree_skbmem (lifecycle = free in the catalog): the next use of the address is new.
    Collected c;
    c.tracker.add(at("ip_rcv", 0x100, 1), true);
    c.tracker.add(at("kfree_skbmem", 0x100, 2, true), false);
    c.tracker.add(at("ip_rcv", 0x100, 3), false);
    EXPECT_FALSE(c.tracker.is_followed(0x100));
    c.tracker.flush_all();
    ASSERT_EQ(c.blocks.size(), 1u);
    EXPECT_EQ(c.blocks[0], (std::vector<std::string>{"ip_rcv", "kfree_skbmem"}));
}

}  // namespace
}  // namespace ftnt
