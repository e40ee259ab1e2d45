#include "read/tracepoint_counter.h"

namespace ftnt {

TracepointCounter::TracepointCounter(const std::vector<int>& cpus, uint64_t tracepoint_id) {
    PerfEventSpec spec;
    spec.tracepoint_id = tracepoint_id;
    spec.counting = true;
    for (int cpu : cpus) per_cpu_.push_back(std::make_unique<PerfEvent>(spec, cpu));
    for (auto& event : per_cpu_) event->enable();
}

uint64_t TracepointCounter::total() const {
    uint64_t sum = 0;
    for (const auto& event : per_cpu_) sum += event->count();
    return sum;
}

}  // namespace ftnt
