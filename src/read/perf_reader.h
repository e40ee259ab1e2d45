// One perf ring per CPU, every event of the run writing into it, read with epoll.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attach/perf_event.h"
#include "core/monotonic_clock.h"
#include "core/unique_fd.h"
#include "plan/tracepoint_request.h"
#include "read/perf_ring.h"
#include "read/record_merger.h"

namespace ftnt {

struct RingOptions {
    std::size_t data_pages = 1024;  // per CPU, a power of two (4 MiB with 4 KiB pages)
    uint64_t reorder_window_ns = 20'000'000;
};

class PerfReader {
  public:
    PerfReader(std::vector<int> cpus, RingOptions options);
    ~PerfReader();
    PerfReader(const PerfReader&) = delete;
    PerfReader& operator=(const PerfReader&) = delete;

    // Opens the tracepoint on every CPU. The first event opened on a CPU owns its ring.
    // Returns the request's index.
    std::size_t add(const TracepointRequest& request);
    // Hands the events of request `from` over to request `to`: `to` is enabled, the moment
    // of the handover is read, `from` is disabled. A record of `from` counts before that
    // moment and one of `to` from it on, so a drop both saw counts once and none falls
    // between them.
    void hand_over(std::size_t from, std::size_t to);
    bool accepts(uint64_t id, uint64_t time_ns) const;
    void enable();
    void disable();

    // Waits up to timeout_ms for data or for wake_fd, then copies every ring's records into
    // the merger. Returns false when only wake_fd fired.
    bool poll(int timeout_ms, int wake_fd);
    // The time up to which every CPU's records are in: now less the reorder window.
    uint64_t watermark() const;
    // Releases, oldest first, the records up to `watermark` (all of them when `everything`).
    template <typename OnRecord>
    void release(bool everything, uint64_t watermark, OnRecord&& on_record);

    // Which request an id belongs to, and the sample layout records of that id use.
    const TracepointRequest* request_of(uint64_t id) const;
    uint64_t sample_type_of(uint64_t id) const;
    const std::map<int, uint64_t>& lost_by_cpu() const { return lost_by_cpu_; }
    uint64_t lost_total() const;
    // A PERF_RECORD_LOST is only written with the next sample that fits, so losses at the end
    // of a run would go unreported. The kernel's own per-event count (6.0+) closes that gap:
    // calls on_unreported(cpu, count) for each CPU whose count exceeds what records said.
    template <typename OnUnreported>
    void settle_lost(OnUnreported&& on_unreported);
    const std::vector<int>& cpus() const { return cpus_; }

  private:
    void enable_request(std::size_t index);
    struct CpuRing {
        const PerfEvent* owner = nullptr;  // the event whose fd is mapped
        std::unique_ptr<MappedRing> ring;
        uint32_t source = 0;  // the merger's number for this ring
    };
    void attach_to_ring(PerfEvent& event);
    void drain(CpuRing& cpu_ring);
    static constexpr uint32_t kWakeTag = 0xffffffffu;
    bool wake_registered_ = false;

    std::vector<int> cpus_;
    RingOptions options_;
    UniqueFd epoll_;
    std::map<int, CpuRing> rings_;
    std::vector<std::unique_ptr<PerfEvent>> events_;
    std::vector<TracepointRequest> requests_;
    std::map<uint64_t, std::pair<std::size_t, uint64_t>> by_id_;  // id -> request, sample_type
    std::map<int, uint64_t> lost_by_cpu_;
    std::map<std::size_t, uint64_t> retired_at_;  // records from then on are not accepted
    std::map<std::size_t, uint64_t> started_at_;  // records before then are not accepted
    RecordMerger merger_;
    uint32_t mapped_rings_ = 0;
};

inline uint64_t PerfReader::watermark() const {
    uint64_t now = monotonic_now_ns();
    uint64_t window = options_.reorder_window_ns;
    return now > window ? now - window : 0;
}

template <typename OnRecord>
void PerfReader::release(bool everything, uint64_t watermark, OnRecord&& on_record) {
    if (everything) {
        merger_.release_all(on_record);
        return;
    }
    merger_.release_until(watermark, on_record);
}

template <typename OnUnreported>
void PerfReader::settle_lost(OnUnreported&& on_unreported) {
    std::map<int, uint64_t> counted;
    for (const auto& event : events_)
        if (auto lost = event->lost_samples()) counted[event->cpu()] += *lost;
    for (const auto& [cpu, lost] : counted) {
        uint64_t& reported = lost_by_cpu_[cpu];
        if (lost > reported) {
            on_unreported(cpu, lost - reported);
            reported = lost;
        }
    }
}

}  // namespace ftnt
