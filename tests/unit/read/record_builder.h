// Synthetic perf records, laid out as include/uapi/linux/perf_event.h describes them.
#pragma once

#include <linux/perf_event.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ftnt::test {

class RecordBuilder {
  public:
    explicit RecordBuilder(uint32_t type) {
        bytes_.resize(sizeof(perf_event_header));
        type_ = type;
    }
    // Appends by insert, not resize + memcpy: GCC 12 at -O3 reports a false
    // -Wstringop-overflow on the resize once lost_record() inlines eight of them.
    template <typename T>
    RecordBuilder& put(T value) {
        std::array<uint8_t, sizeof value> raw;
        std::memcpy(raw.data(), &value, sizeof value);
        bytes_.insert(bytes_.end(), raw.begin(), raw.end());
        return *this;
    }
    RecordBuilder& put_bytes(const std::vector<uint8_t>& raw) {
        bytes_.insert(bytes_.end(), raw.begin(), raw.end());
        return *this;
    }
    std::vector<uint8_t> done() {
        while (bytes_.size() % 8) bytes_.push_back(0);
        perf_event_header h{type_, 0, static_cast<uint16_t>(bytes_.size())};
        std::memcpy(bytes_.data(), &h, sizeof h);
        return bytes_;
    }

  private:
    uint32_t type_;
    std::vector<uint8_t> bytes_;
};

// A sample with IDENTIFIER|TID|TIME|CPU|RAW (and CALLCHAIN when frames are given).
inline std::vector<uint8_t> sample_record(uint64_t id, uint32_t tid, uint64_t time, uint32_t cpu,
                                          const std::vector<uint8_t>& raw,
                                          const std::vector<uint64_t>& callchain = {}) {
    RecordBuilder b(PERF_RECORD_SAMPLE);
    b.put(id).put(tid).put(tid).put(time).put(cpu).put(uint32_t{0});
    if (!callchain.empty()) {
        b.put(static_cast<uint64_t>(callchain.size()));
        for (auto ip : callchain) b.put(ip);
    }
    b.put(static_cast<uint32_t>(raw.size())).put_bytes(raw);
    return b.done();
}

inline std::vector<uint8_t> lost_record(uint64_t id, uint64_t lost, uint64_t time, uint32_t cpu) {
    RecordBuilder b(PERF_RECORD_LOST);
    b.put(id)
        .put(lost)
        .put(uint32_t{0})
        .put(uint32_t{0})
        .put(time)
        .put(cpu)
        .put(uint32_t{0})
        .put(id);
    return b.done();
}

}  // namespace ftnt::test
