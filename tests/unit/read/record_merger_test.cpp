#include "read/record_merger.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace ftnt {
namespace {

void push(RecordMerger& m, uint64_t time, std::vector<uint8_t> bytes) {
    m.push(time, bytes);
}

TEST(RecordMerger, ReleasesInTimeOrderUpToTheWatermark) {
    RecordMerger m;
    push(m, 30, {3});
    push(m, 10, {1});
    push(m, 20, {2});
    std::vector<uint64_t> out;
    m.release_until(20, [&](const OwnedRecord& r) { out.push_back(r.time); });
    EXPECT_EQ(out, (std::vector<uint64_t>{10, 20}));
    EXPECT_EQ(m.pending(), 1u);
    m.release_all([&](const OwnedRecord& r) { out.push_back(r.time); });
    EXPECT_EQ(out, (std::vector<uint64_t>{10, 20, 30}));
}

TEST(RecordMerger, EqualTimesKeepArrivalOrder) {
    RecordMerger m;
    push(m, 5, {1});
    push(m, 5, {2});
    push(m, 5, {3});
    std::vector<uint8_t> out;
    m.release_all([&](const OwnedRecord& r) { out.push_back(r.bytes[0]); });
    EXPECT_EQ(out, (std::vector<uint8_t>{1, 2, 3}));
}

// Each record's bytes come back whole and unchanged, across block boundaries, out of order.
TEST(RecordMerger, KeepsEachRecordsBytesAcrossBlocks) {
    RecordMerger m;
    std::vector<std::vector<uint8_t>> records;
    for (uint64_t i = 0; i < 400; ++i) {
        std::vector<uint8_t> bytes(500 + i % 7 * 100, static_cast<uint8_t>(i));
        bytes.front() = static_cast<uint8_t>(i >> 8);
        records.push_back(bytes);
        m.push(i % 2 ? 1000 + i : i, bytes);  // two interleaved streams, as two CPUs give
    }
    EXPECT_GT(m.blocks(), 1u);
    std::vector<uint64_t> times;
    std::size_t checked = 0;
    m.release_all([&](const OwnedRecord& r) {
        times.push_back(r.time);
        uint64_t i = r.time >= 1000 ? r.time - 1000 : r.time;
        std::vector<uint8_t> got(r.bytes.begin(), r.bytes.end());
        EXPECT_EQ(got, records[i]) << "record " << i;
        ++checked;
    });
    EXPECT_EQ(checked, 400u);
    EXPECT_TRUE(std::is_sorted(times.begin(), times.end()));
}

// A steady stream released as it goes reuses its blocks: storage stays bounded.
TEST(RecordMerger, ReusesBlocksOnceTheirRecordsAreReleased) {
    RecordMerger m;
    std::vector<uint8_t> bytes(1000, 0xab);
    uint64_t released = 0;
    for (uint64_t round = 0; round < 200; ++round) {
        for (uint64_t i = 0; i < 100; ++i) m.push(round * 100 + i, bytes);
        m.release_until(round * 100 + 49, [&](const OwnedRecord& r) {
            EXPECT_EQ(r.bytes.size(), 1000u);
            ++released;
        });
    }
    m.release_all([&](const OwnedRecord&) { ++released; });
    EXPECT_EQ(released, 20000u);
    // 20 MB went through; at most ~150 records (150 KB) were ever pending.
    EXPECT_LE(m.blocks(), 5u);
}

// Four rings, each nearly in time order (now and then a record older than the one before,
// as an interrupt between an event's timestamp and its place in the ring gives), released
// in watermark steps: the order is exactly (time, arrival), as one sort of everything gives.
TEST(RecordMerger, OrderIsTimeThenArrivalAcrossAndWithinSources) {
    RecordMerger m;
    std::mt19937_64 random(14);
    struct Pushed {
        uint64_t time, sequence;
    };
    std::vector<Pushed> pushed;
    std::vector<uint64_t> clock(4, 1000);
    std::vector<std::pair<uint64_t, uint64_t>> got;  // (time, sequence)
    uint64_t sequence = 0;
    for (int step = 0; step < 50; ++step) {
        for (int i = 0; i < 200; ++i) {
            auto source = static_cast<uint32_t>(random() % 4);
            clock[source] += random() % 50;
            uint64_t time = clock[source];
            if (random() % 10 == 0) time -= std::min<uint64_t>(time, random() % 200);
            std::vector<uint8_t> bytes(8);
            std::memcpy(bytes.data(), &sequence, 8);
            m.push(time, bytes, source);
            pushed.push_back({time, sequence++});
        }
        uint64_t watermark = *std::min_element(clock.begin(), clock.end()) - 300;
        m.release_until(watermark, [&](const OwnedRecord& r) {
            uint64_t carried;
            std::memcpy(&carried, r.bytes.data(), 8);
            EXPECT_EQ(carried, r.sequence);
            EXPECT_LE(r.time, watermark);
            got.emplace_back(r.time, r.sequence);
        });
    }
    m.release_all([&](const OwnedRecord& r) { got.emplace_back(r.time, r.sequence); });
    std::vector<std::pair<uint64_t, uint64_t>> expected;
    for (const auto& p : pushed) expected.emplace_back(p.time, p.sequence);
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(got, expected);
    EXPECT_EQ(m.pending(), 0u);
}

}  // namespace
}  // namespace ftnt
