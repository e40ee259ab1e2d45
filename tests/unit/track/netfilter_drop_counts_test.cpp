// Netfilter drops by table and chain, read from the hist file of --monitor's trigger on the
// return of ipt_do_table, recorded on Debian's 6.12 kernel (tests/fixtures/kernel-6.12/README.md).
#include "track/netfilter_drop_counts.h"

#include <gtest/gtest.h>

#include "unit/fixture_file.h"

namespace ftnt {
namespace {

TEST(NetfilterDropCounts, TheRecordedTriggerOn612NamesFilterInput) {
    auto rows =
        netfilter_drop_rows(test::fixture("kernel-6.12/hist-ipt_do_table-netfilter-drops.txt"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].family, "ipv4");
    EXPECT_EQ(rows[0].table, "filter");
    EXPECT_EQ(rows[0].chain, "INPUT");
    EXPECT_EQ(rows[0].count, 7u);
}

TEST(NetfilterDropCounts, HooksAreNamedByFamily) {
    auto rows = netfilter_drop_rows(
        "{ table: mangle                                            , hook:          4, pf:        "
        " 10 } hitcount:          2\n"
        "{ table: filter                                            , hook:          1, pf:        "
        "  3 } hitcount:          1\n"
        "{ table: filter                                            , hook:          9, pf:        "
        "  2 } hitcount:          5\n");
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].family + "." + rows[0].table + "." + rows[0].chain,
              "ipv6.mangle.POSTROUTING");
    EXPECT_EQ(rows[1].family + "." + rows[1].table + "." + rows[1].chain, "arp.filter.OUT");
    EXPECT_EQ(rows[2].chain, "9");
}

// What the kernel prints is read, not trusted: an entry of another shape (keys missing, out of
// order, a number where the table is, an empty name) is no row.
TEST(NetfilterDropCounts, EntriesOfAnotherShapeAreSkipped) {
    auto rows = netfilter_drop_rows(
        "{ table: filter , hook: 1 } hitcount: 3\n"
        "{ hook: 1, pf: 2, table: filter } hitcount: 3\n"
        "{ table: , hook: 1, pf: 2 } hitcount: 3\n"
        "{ table: fil,ter , hook: 1, pf: 2 } hitcount: 3\n"
        "{ table: raw , hook: x, pf: 2 } hitcount: 3\n"
        "{ table: raw , hook: 0, pf: 2 } hitcount: 4\n");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].table, "raw");
    EXPECT_EQ(rows[0].chain, "PREROUTING");
    EXPECT_EQ(rows[0].count, 4u);
}

TEST(NetfilterDropCounts, TheSameChainOfTwoTriggersIsAddedUp) {
    auto rows = summed_netfilter_drops({{"ipv6", "filter", "INPUT", 2},
                                        {"ipv4", "filter", "INPUT", 3},
                                        {"ipv4", "filter", "INPUT", 4}});
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].family, "ipv4");
    EXPECT_EQ(rows[0].count, 7u);
    EXPECT_EQ(rows[1].family, "ipv6");
    EXPECT_EQ(rows[1].count, 2u);
}

}  // namespace
}  // namespace ftnt
