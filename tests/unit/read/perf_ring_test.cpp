#include "read/perf_ring.h"

#include <gtest/gtest.h>

#include "read/perf_record.h"
#include "unit/read/record_builder.h"

namespace ftnt {
namespace {

// A ring in ordinary memory: a meta page and a small power-of-two data area.
struct FakeRing {
    perf_event_mmap_page meta = {};
    std::vector<uint8_t> data;
    explicit FakeRing(std::size_t size) : data(size, 0xee) {}
    RingMemory memory() { return {&meta, data.data(), data.size()}; }
    // Writes a record at the head, wrapping around the end as the kernel does.
    void write(const std::vector<uint8_t>& record) {
        for (std::size_t i = 0; i < record.size(); ++i)
            data[(meta.data_head + i) & (data.size() - 1)] = record[i];
        meta.data_head += record.size();
    }
};

TEST(PerfRing, ReadsRecordsAndReleasesSpace) {
    FakeRing ring(256);
    ring.write(test::sample_record(1, 10, 100, 0, {1, 2, 3, 4}));
    ring.write(test::sample_record(1, 10, 200, 0, {5, 6, 7, 8}));
    RingCursor cursor(ring.memory());
    std::vector<uint64_t> times;
    auto n = cursor.drain([&](std::span<const uint8_t> r) {
        times.push_back(parse_sample(r, (PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID |
                                         PERF_SAMPLE_TIME | PERF_SAMPLE_CPU | PERF_SAMPLE_RAW))
                            ->time);
    });
    EXPECT_EQ(n, 2u);
    EXPECT_EQ(times, (std::vector<uint64_t>{100, 200}));
    EXPECT_EQ(ring.meta.data_tail, ring.meta.data_head);
}

TEST(PerfRing, RecordWrappingPastTheEndIsCopiedWhole) {
    FakeRing ring(128);
    auto first = test::sample_record(1, 10, 100, 0, std::vector<uint8_t>(40, 0xaa));
    auto second = test::sample_record(1, 10, 200, 0, std::vector<uint8_t>(40, 0xbb));
    ring.write(first);
    RingCursor cursor(ring.memory());
    cursor.drain([](std::span<const uint8_t>) {});
    ring.write(second);  // starts at 88 of 128: wraps
    ASSERT_GT((ring.meta.data_tail & 127) + second.size(), 128u);
    std::vector<uint8_t> seen;
    cursor.drain([&](std::span<const uint8_t> r) { seen.assign(r.begin(), r.end()); });
    EXPECT_EQ(seen, second);
}

TEST(PerfRing, IncompleteRecordWaits) {
    FakeRing ring(256);
    auto record = test::sample_record(1, 10, 100, 0, {1, 2, 3, 4});
    ring.write(record);
    ring.meta.data_head -= 8;  // the kernel has not finished this one
    RingCursor cursor(ring.memory());
    EXPECT_EQ(cursor.drain([](std::span<const uint8_t>) {}), 0u);
    EXPECT_EQ(ring.meta.data_tail, 0u);
}

TEST(PerfRing, LostRecordPassesThrough) {
    FakeRing ring(256);
    ring.write(test::lost_record(1, 12, 50, 1));
    RingCursor cursor(ring.memory());
    uint64_t lost = 0;
    cursor.drain([&](std::span<const uint8_t> r) {
        if (read_record_header(r)->type == PERF_RECORD_LOST)
            lost = parse_lost(r, PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
                                     PERF_SAMPLE_CPU)
                       ->lost;
    });
    EXPECT_EQ(lost, 12u);
}

}  // namespace
}  // namespace ftnt
