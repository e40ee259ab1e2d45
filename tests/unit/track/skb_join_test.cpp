#include "track/skb_join.h"

#include <gtest/gtest.h>

#include "decode/drop_point.h"
#include "decode/packet_tuple.h"

namespace ftnt {
namespace {

PacketTuple tuple_with_port(uint16_t port) {
    PacketTuple t;
    t.family = 4;
    t.sport = port;
    t.has_ports = true;
    return t;
}

TEST(SkbJoin, DropTakesTheTupleOnce) {
    SkbJoin<PacketTuple> join(1'000'000'000, 65536);
    join.remember(0x1000, 100, tuple_with_port(40000));
    auto found = join.take(0x1000, 200);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->sport, 40000);
    EXPECT_FALSE(join.take(0x1000, 300));
}

TEST(SkbJoin, OldEntryOfAReusedAddressIsNotTrusted) {
    SkbJoin<PacketTuple> join(1000, 65536);
    join.remember(0x1000, 100, tuple_with_port(1));
    EXPECT_FALSE(join.take(0x1000, 5000));
}

TEST(SkbJoin, ATakeBeforeTheRememberedTimeIsNotAMatch) {
    SkbJoin<PacketTuple> join(1000, 65536);
    join.remember(0x1000, 500, tuple_with_port(1));
    EXPECT_FALSE(join.take(0x1000, 400));
}

TEST(SkbJoin, SizeIsBoundedAndOldEntriesGoFirst) {
    SkbJoin<PacketTuple> join(100, 4);
    join.remember(0x1, 0, tuple_with_port(1));
    join.remember(0x2, 0, tuple_with_port(2));
    join.remember(0x3, 1000, tuple_with_port(3));
    join.remember(0x4, 1000, tuple_with_port(4));
    join.remember(0x5, 1001, tuple_with_port(5));  // full: the two old ones are pruned
    EXPECT_EQ(join.size(), 3u);
    EXPECT_TRUE(join.take(0x3, 1002));
    for (uint64_t i = 0; i < 10; ++i) join.remember(0x100 + i, 1002, tuple_with_port(1));
    EXPECT_LE(join.size(), 4u);
}

TEST(SkbJoin, DropPointHeadersJoinTheirSkb) {
    SkbJoin<DropHeaders> join(100'000'000, 4096);
    DropHeaders headers;
    headers.skb = 0xffff888004a1c000;
    headers.tuple = tuple_with_port(7);
    join.remember(headers.skb, 10, headers);
    EXPECT_FALSE(join.take(0xffff888004a1d000, 20));
    auto found = join.take(headers.skb, 20);
    ASSERT_TRUE(found);
    ASSERT_TRUE(found->tuple);
    EXPECT_EQ(found->tuple->sport, 7);
}

}  // namespace
}  // namespace ftnt
