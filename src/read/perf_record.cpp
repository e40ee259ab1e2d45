#include "read/perf_record.h"

#include <linux/perf_event.h>

#include <cstring>

namespace ftnt {
namespace {

class Cursor {
  public:
    explicit Cursor(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    template <typename T>
    bool read(T& out) {
        if (offset_ + sizeof(T) > bytes_.size()) return false;
        std::memcpy(&out, bytes_.data() + offset_, sizeof(T));
        offset_ += sizeof(T);
        return true;
    }
    bool skip(std::size_t n) {
        if (offset_ + n > bytes_.size()) return false;
        offset_ += n;
        return true;
    }
    std::span<const uint8_t> take(std::size_t n) {
        auto out = bytes_.subspan(offset_, n);
        offset_ += n;
        return out;
    }
    std::size_t remaining() const { return bytes_.size() - offset_; }

  private:
    std::span<const uint8_t> bytes_;
    std::size_t offset_ = 0;
};

constexpr uint64_t kContextMarkerFloor = static_cast<uint64_t>(PERF_CONTEXT_MAX);

}  // namespace

std::optional<RecordHeader> read_record_header(std::span<const uint8_t> record) {
    perf_event_header h;
    if (record.size() < sizeof h) return std::nullopt;
    std::memcpy(&h, record.data(), sizeof h);
    return RecordHeader{h.type, h.misc, h.size};
}

std::optional<uint64_t> sample_identifier(std::span<const uint8_t> record) {
    Cursor c(record);
    uint64_t id;
    if (!c.skip(sizeof(perf_event_header)) || !c.read(id)) return std::nullopt;
    return id;
}

std::optional<Sample> parse_sample(std::span<const uint8_t> record, uint64_t sample_type) {
    Cursor c(record);
    Sample s;
    if (!c.skip(sizeof(perf_event_header))) return std::nullopt;
    if ((sample_type & PERF_SAMPLE_IDENTIFIER) && !c.read(s.id)) return std::nullopt;
    if ((sample_type & PERF_SAMPLE_TID) && !(c.read(s.pid) && c.read(s.tid))) return std::nullopt;
    if ((sample_type & PERF_SAMPLE_TIME) && !c.read(s.time)) return std::nullopt;
    if (sample_type & PERF_SAMPLE_CPU) {
        uint32_t reserved;
        if (!(c.read(s.cpu) && c.read(reserved))) return std::nullopt;
    }
    if (sample_type & PERF_SAMPLE_CALLCHAIN) {
        uint64_t nr;
        if (!c.read(nr) || nr > c.remaining() / sizeof(uint64_t)) return std::nullopt;
        for (uint64_t i = 0; i < nr; ++i) {
            uint64_t ip = 0;
            if (!c.read(ip)) return std::nullopt;
            if (ip < kContextMarkerFloor) s.callchain.push_back(ip);
        }
    }
    if (sample_type & PERF_SAMPLE_RAW) {
        uint32_t size;
        if (!c.read(size) || size > c.remaining()) return std::nullopt;
        s.raw = c.take(size);
    }
    return s;
}

std::optional<uint64_t> sample_time(std::span<const uint8_t> record, uint64_t sample_type) {
    if (!(sample_type & PERF_SAMPLE_TIME)) return std::nullopt;
    std::size_t offset = sizeof(perf_event_header);
    if (sample_type & PERF_SAMPLE_IDENTIFIER) offset += 8;
    if (sample_type & PERF_SAMPLE_TID) offset += 8;
    uint64_t time;
    if (record.size() < offset + sizeof time) return std::nullopt;
    std::memcpy(&time, record.data() + offset, sizeof time);
    return time;
}

std::optional<LostRecord> parse_lost(std::span<const uint8_t> record, uint64_t sample_type) {
    Cursor c(record);
    LostRecord lost;
    if (!c.skip(sizeof(perf_event_header)) || !c.read(lost.id) || !c.read(lost.lost))
        return std::nullopt;
    // sample_id: TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER in that order, when selected.
    uint32_t pid, tid, reserved;
    if ((sample_type & PERF_SAMPLE_TID) && !(c.read(pid) && c.read(tid))) return lost;
    if ((sample_type & PERF_SAMPLE_TIME) && !c.read(lost.time)) return lost;
    if (sample_type & PERF_SAMPLE_CPU) c.read(lost.cpu) && c.read(reserved);
    return lost;
}

std::optional<TaskName> parse_comm(std::span<const uint8_t> record) {
    Cursor c(record);
    TaskName task;
    if (!c.skip(sizeof(perf_event_header)) || !c.read(task.pid) || !c.read(task.tid))
        return std::nullopt;
    auto rest = record.subspan(sizeof(perf_event_header) + 8);
    std::size_t length = 0;
    while (length < rest.size() && rest[length] != 0) ++length;
    task.comm.assign(reinterpret_cast<const char*>(rest.data()), length);
    return task;
}

std::optional<TaskFork> parse_fork(std::span<const uint8_t> record) {
    Cursor c(record);
    TaskFork fork;
    if (!c.skip(sizeof(perf_event_header)) || !c.read(fork.pid) || !c.read(fork.ppid) ||
        !c.read(fork.tid) || !c.read(fork.ptid))
        return std::nullopt;
    return fork;
}

std::optional<uint64_t> side_band_time(std::span<const uint8_t> record, uint64_t sample_type) {
    // sample_id sits at the end: {pid,tid} {time} {cpu,res} {identifier} for our sample_type.
    std::size_t tail = 0;
    if (sample_type & PERF_SAMPLE_IDENTIFIER) tail += 8;
    if (sample_type & PERF_SAMPLE_CPU) tail += 8;
    if (!(sample_type & PERF_SAMPLE_TIME)) return std::nullopt;
    tail += 8;
    if (record.size() < sizeof(perf_event_header) + tail) return std::nullopt;
    uint64_t time;
    std::memcpy(&time, record.data() + record.size() - tail, sizeof time);
    return time;
}

}  // namespace ftnt
