#include "track/skb_tuple_join.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

PacketTuple tuple_with_port(uint16_t port) {
    PacketTuple t;
    t.family = 4;
    t.sport = port;
    t.has_ports = true;
    return t;
}

TEST(SkbTupleJoin, DropTakesTheTupleOnce) {
    SkbTupleJoin join;
    join.remember(0x1000, 100, tuple_with_port(40000));
    auto found = join.take(0x1000, 200);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->sport, 40000);
    EXPECT_FALSE(join.take(0x1000, 300));
}

TEST(SkbTupleJoin, OldEntryOfAReusedAddressIsNotTrusted) {
    SkbTupleJoin join(1000);
    join.remember(0x1000, 100, tuple_with_port(1));
    EXPECT_FALSE(join.take(0x1000, 5000));
}

TEST(SkbTupleJoin, SizeIsBounded) {
    SkbTupleJoin join(1'000'000'000, 4);
    for (uint64_t i = 0; i < 10; ++i) join.remember(0x1000 + i, i, tuple_with_port(1));
    EXPECT_LE(join.size(), 4u);
}

}  // namespace
}  // namespace ftnt
