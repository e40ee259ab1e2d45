#include "read/record_merger.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

TEST(RecordMerger, ReleasesInTimeOrderUpToTheWatermark) {
    RecordMerger m;
    m.push(30, {3});
    m.push(10, {1});
    m.push(20, {2});
    std::vector<uint64_t> out;
    m.release_until(20, [&](const OwnedRecord& r) { out.push_back(r.time); });
    EXPECT_EQ(out, (std::vector<uint64_t>{10, 20}));
    EXPECT_EQ(m.pending(), 1u);
    m.release_all([&](const OwnedRecord& r) { out.push_back(r.time); });
    EXPECT_EQ(out, (std::vector<uint64_t>{10, 20, 30}));
}

TEST(RecordMerger, EqualTimesKeepArrivalOrder) {
    RecordMerger m;
    m.push(5, {1});
    m.push(5, {2});
    m.push(5, {3});
    std::vector<uint8_t> out;
    m.release_all([&](const OwnedRecord& r) { out.push_back(r.bytes[0]); });
    EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3}));
}

}  // namespace
}  // namespace ftnt
