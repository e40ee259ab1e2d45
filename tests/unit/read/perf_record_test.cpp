#include "read/perf_record.h"

#include <gtest/gtest.h>

#include "attach/perf_event.h"
#include "unit/read/record_builder.h"

namespace ftnt {
namespace {

TEST(PerfRecord, SampleFieldsInOrder) {
    std::vector<uint8_t> raw = {1, 2, 3, 4, 5, 6, 7};
    auto record = test::sample_record(42, 1234, 5'000'000'123, 1, raw);
    auto id = sample_identifier(record);
    ASSERT_EQ(id, 42u);
    auto s = parse_sample(record, default_sample_type());
    ASSERT_TRUE(s);
    EXPECT_EQ(s->pid, 1234u);
    EXPECT_EQ(s->tid, 1234u);
    EXPECT_EQ(s->time, 5'000'000'123u);
    EXPECT_EQ(s->cpu, 1u);
    ASSERT_EQ(s->raw.size(), raw.size());
    EXPECT_TRUE(std::equal(raw.begin(), raw.end(), s->raw.begin()));
}

TEST(PerfRecord, CallchainDropsContextMarkers) {
    std::vector<uint64_t> chain = {static_cast<uint64_t>(PERF_CONTEXT_KERNEL), 0xffffffff81000010,
                                   0xffffffff81000020};
    auto record = test::sample_record(7, 1, 10, 0, {0, 0, 0, 0}, chain);
    auto s = parse_sample(record, default_sample_type() | PERF_SAMPLE_CALLCHAIN);
    ASSERT_TRUE(s);
    EXPECT_EQ(s->callchain, (std::vector<uint64_t>{0xffffffff81000010, 0xffffffff81000020}));
    EXPECT_EQ(s->raw.size(), 4u);
}

TEST(PerfRecord, TruncatedSampleIsRejected) {
    auto record = test::sample_record(7, 1, 10, 0, {1, 2, 3, 4, 5, 6, 7, 8});
    record.resize(40);
    EXPECT_FALSE(parse_sample(record, default_sample_type()));
}

TEST(PerfRecord, SampleTimeAloneMatchesTheParsedTime) {
    std::vector<uint64_t> chain = {0xffffffff81000010};
    auto record = test::sample_record(7, 99, 123'456'789, 1, {0, 0, 0, 0}, chain);
    uint64_t type = default_sample_type() | PERF_SAMPLE_CALLCHAIN;
    EXPECT_EQ(sample_time(record, type), parse_sample(record, type)->time);
    EXPECT_EQ(sample_time(record, type), 123'456'789u);
    record.resize(sizeof(perf_event_header) + 8 + 8 + 4);  // cut inside the time
    EXPECT_FALSE(sample_time(record, type));
    EXPECT_FALSE(sample_time(record, PERF_SAMPLE_IDENTIFIER));  // no time in the layout
}

TEST(PerfRecord, LostRecordCarriesCountCpuAndTime) {
    auto record = test::lost_record(9, 3500, 77, 1);
    auto header = read_record_header(record);
    ASSERT_EQ(header->type, static_cast<uint32_t>(PERF_RECORD_LOST));
    auto lost = parse_lost(record, default_sample_type());
    ASSERT_TRUE(lost);
    EXPECT_EQ(lost->lost, 3500u);
    EXPECT_EQ(lost->cpu, 1u);
    EXPECT_EQ(lost->time, 77u);
}

TEST(PerfRecord, CommAndForkSideBand) {
    test::RecordBuilder comm(PERF_RECORD_COMM);
    comm.put(uint32_t{55}).put(uint32_t{56});
    for (char c : std::string("python3")) comm.put(c);
    comm.put(char{0});  // "python3\0" fills 8 bytes
    // sample_id: {pid,tid} {time} {cpu,res} {identifier}
    comm.put(uint32_t{55}).put(uint32_t{56}).put(uint64_t{999}).put(uint64_t{1}).put(uint64_t{3});
    auto bytes = comm.done();
    auto name = parse_comm(bytes);
    ASSERT_TRUE(name);
    EXPECT_EQ(name->tid, 56u);
    EXPECT_EQ(name->comm, "python3");
    EXPECT_EQ(side_band_time(bytes, default_sample_type()), 999u);

    test::RecordBuilder fork(PERF_RECORD_FORK);
    fork.put(uint32_t{60}).put(uint32_t{55}).put(uint32_t{61}).put(uint32_t{56}).put(uint64_t{5});
    auto forked = parse_fork(fork.done());
    ASSERT_TRUE(forked);
    EXPECT_EQ(forked->tid, 61u);
    EXPECT_EQ(forked->ptid, 56u);
}

}  // namespace
}  // namespace ftnt
