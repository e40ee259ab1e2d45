// The run instance's own ring buffer, per CPU (<instance>/per_cpu/cpuN/trace_pipe_raw): the
// synthetic events of in-kernel following are written there only (the synthetic class has
// no perf probe: perf_event_open on one answers ENODEV, 6.1). Read without blocking, one
// sub-buffer (page) at a time, decoded with libtraceevent's kbuffer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "core/unique_fd.h"

namespace ftnt {

struct RingEvent {
    uint64_t time = 0;  // the instance's trace_clock (set to mono: the perf rings' clock)
    uint32_t cpu = 0;
    std::vector<uint8_t> raw;  // the record: common_type, flags, preempt_count, pid, fields
};

struct SubBuffer {
    std::vector<RingEvent> events;
    uint64_t missed = 0;  // events the kernel overwrote or could not store before this page
};

// Decodes one page read from trace_pipe_raw (x86-64: 8-byte commit and timestamps).
SubBuffer decode_sub_buffer(std::span<const uint8_t> page, uint32_t cpu);

class InstanceRing {
  public:
    // Opens every CPU's trace_pipe_raw of the instance; throws KernelError when it cannot.
    InstanceRing(const std::string& instance_dir, const std::vector<int>& cpus);

    // Reads what each CPU's ring holds now; events in time order per CPU. `on_lost` gets the
    // events the kernel could not keep (counted before the page that says so).
    void read(const std::function<void(RingEvent&)>& on_event,
              const std::function<void(int cpu, uint64_t lost)>& on_lost);
    const std::map<int, uint64_t>& lost_by_cpu() const { return lost_; }
    uint64_t lost_total() const;

  private:
    struct Cpu {
        int cpu;
        UniqueFd fd;
    };
    std::vector<Cpu> cpus_;
    std::map<int, uint64_t> lost_;
    std::vector<uint8_t> page_;
};

}  // namespace ftnt
