// The hist file of --monitor's trigger on skb:kfree_skb, recorded on Debian's 6.1 kernel
// (tests/fixtures/kernel-6.1/README.md).
#include "read/hist_table.h"

#include <gtest/gtest.h>

#include "attach/hist_trigger.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

TEST(HistTable, EntriesOfTheMonitorTriggerOn61) {
    std::string text = test::fixture("kernel-6.1/hist-kfree_skb-monitor.txt");
    auto entries = parse_hist_entries(text);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].key("reason"), 2u);  // NO_SOCKET on 6.1
    EXPECT_EQ(entries[0].key("location"), 18446744071868957841ull);
    EXPECT_EQ(entries[0].key("protocol"), 2048u);
    EXPECT_EQ(entries[0].hitcount, 3u);
    EXPECT_EQ(entries[1].key("location"), 18446744071869024994ull);
    EXPECT_EQ(entries[1].hitcount, 5u);
    EXPECT_EQ(hist_dropped(text), 0u);
}

TEST(HistTable, LinesThatAreNotNumericEntriesAreSkipped) {
    auto entries = parse_hist_entries(
        "{ location: [ffffffff81a2b3c4] tcp_v4_rcv+0x91/0x13f0 } hitcount: 4\n"
        "{ reason: 2 } hitcount: x\n"
        "{ reason: 2, location: 99999999999999999999999 } hitcount: 1\n"
        "{ reason: 7 } hitcount:          9\n"
        "    Hits: 8\n");
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].key("reason"), 7u);
    EXPECT_EQ(entries[0].hitcount, 9u);
}

}  // namespace
}  // namespace ftnt
