// Parsing of the records a perf ring holds (include/uapi/linux/perf_event.h).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ftnt {

struct RecordHeader {
    uint32_t type = 0;
    uint16_t misc = 0;
    uint16_t size = 0;
};

struct Sample {
    uint64_t id = 0;
    uint32_t pid = 0;
    uint32_t tid = 0;
    uint64_t time = 0;
    uint32_t cpu = 0;
    std::vector<uint64_t> callchain;  // kernel frames only, context markers removed
    std::span<const uint8_t> raw;     // the tracepoint record, as in tracefs
};

struct LostRecord {
    uint64_t id = 0;
    uint64_t lost = 0;
    uint64_t time = 0;
    uint32_t cpu = 0;
};

std::optional<RecordHeader> read_record_header(std::span<const uint8_t> record);
// Every ftnettrace event puts PERF_SAMPLE_IDENTIFIER first, so the id is read before the rest.
std::optional<uint64_t> sample_identifier(std::span<const uint8_t> record);
// `sample_type` is the one of the event whose id the record carries.
std::optional<Sample> parse_sample(std::span<const uint8_t> record, uint64_t sample_type);
// The sample's time alone, without the rest of parse_sample (no callchain copy).
std::optional<uint64_t> sample_time(std::span<const uint8_t> record, uint64_t sample_type);
// PERF_RECORD_LOST with sample_id_all and the TID|TIME|CPU|IDENTIFIER sample id.
std::optional<LostRecord> parse_lost(std::span<const uint8_t> record, uint64_t sample_type);

struct TaskName {
    uint32_t pid = 0;
    uint32_t tid = 0;
    std::string comm;
};

struct TaskFork {
    uint32_t pid = 0, ppid = 0, tid = 0, ptid = 0;
};

std::optional<TaskName> parse_comm(std::span<const uint8_t> record);
std::optional<TaskFork> parse_fork(std::span<const uint8_t> record);
// The time in the sample_id a side-band record (COMM, FORK, ...) ends with.
std::optional<uint64_t> side_band_time(std::span<const uint8_t> record, uint64_t sample_type);

}  // namespace ftnt
