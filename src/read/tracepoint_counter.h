// A tracepoint's hits counted in the kernel: one counting perf event per CPU, no samples, no
// ring. --monitor counts resets and retransmits this way on every kernel.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "attach/perf_event.h"

namespace ftnt {

class TracepointCounter {
  public:
    // Opens and enables the events; throws KernelError when the kernel refuses one.
    TracepointCounter(const std::vector<int>& cpus, uint64_t tracepoint_id);
    uint64_t total() const;

  private:
    std::vector<std::unique_ptr<PerfEvent>> per_cpu_;
};

}  // namespace ftnt
