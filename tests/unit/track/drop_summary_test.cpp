#include "track/drop_summary.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

TEST(DropSummary, CountsByReasonAndLocationSortedByCount) {
    DropSummary s;
    s.add("NO_SOCKET", "__udp4_lib_rcv+0x4bc");
    s.add("NETFILTER_DROP", "nf_hook_slow+0x9a");
    s.add("NO_SOCKET", "__udp4_lib_rcv+0x4bc");
    s.add("NO_SOCKET", "tcp_v4_rcv+0x91");
    auto rows = s.rows();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].location, "__udp4_lib_rcv+0x4bc");
    EXPECT_EQ(rows[0].count, 2u);
    EXPECT_EQ(s.total(), 4u);
    s.clear();
    EXPECT_EQ(s.total(), 0u);
}

TEST(DropSummary, ARowKeepsWhetherItsReasonWasInferred) {
    DropSummary s;
    s.add("NO_SOCKET", "__udp4_lib_rcv+0x992", 2, "", true);
    s.add("NO_SOCKET", "tcp_v4_rcv+0x91", 1);
    auto rows = s.rows();
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_TRUE(rows[0].reason_inferred);
    EXPECT_FALSE(rows[1].reason_inferred);
}

}  // namespace
}  // namespace ftnt
