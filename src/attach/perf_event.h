// One perf_event_open(2) tracepoint event on one CPU, closed by the destructor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/unique_fd.h"

namespace ftnt {

struct PerfEventSpec {
    uint64_t tracepoint_id = 0;  // events/<sys>/<event>/id
    uint64_t sample_type = 0;    // PERF_SAMPLE_* bits
    bool callchain = false;      // adds PERF_SAMPLE_CALLCHAIN (kernel frames only)
    uint32_t wakeup_bytes = 0;   // watermark for the ring this event writes to
    bool track_tasks = false;    // PERF_RECORD_COMM/FORK, so short-lived tasks keep their name
    bool counting = false;       // count hits in the kernel, write no samples
};

class PerfEvent {
  public:
    PerfEvent(const PerfEventSpec& spec, int cpu);
    const UniqueFd& fd() const { return fd_; }
    int cpu() const { return cpu_; }
    uint64_t id() const { return id_; }  // PERF_EVENT_IOC_ID, the key of PERF_SAMPLE_IDENTIFIER

    // Writes this event's samples into the ring of `ring_owner` (same CPU).
    void redirect_output_to(const PerfEvent& ring_owner);
    // Returns 0 or errno (EINVAL when the kernel's filter parser rejects it).
    int set_filter(const std::string& filter);
    void enable();
    void disable();
    // Samples the kernel could not write because the ring was full, counted by the kernel
    // itself (PERF_FORMAT_LOST, 6.0+); empty on older kernels.
    std::optional<uint64_t> lost_samples() const;
    // The hit count of a counting event.
    uint64_t count() const;

  private:
    UniqueFd fd_;
    int cpu_;
    uint64_t id_ = 0;
    bool counts_lost_ = false;
};

// The sample_type every ftnettrace event uses; the identifier comes first in each record.
uint64_t default_sample_type();

}  // namespace ftnt
