#include "read/summary_counters.h"

#include "core/errors.h"
#include "core/monotonic_clock.h"
#include "ftnettrace/filters.h"

namespace ftnt {

SummaryCounters::SummaryCounters(std::vector<int> cpus, uint64_t tracepoint_id,
                                 std::string base_filter, bool has_reason, std::size_t max_pairs,
                                 bool by_protocol)
    : cpus_(std::move(cpus)),
      tracepoint_id_(tracepoint_id),
      base_filter_(std::move(base_filter)),
      has_reason_(has_reason),
      max_pairs_(max_pairs),
      by_protocol_(by_protocol) {}

std::string SummaryCounters::pair_condition(const Pair& pair) const {
    std::string condition = "location == " + std::to_string(pair.location);
    if (by_protocol_) condition += " && protocol == " + std::to_string(pair.protocol);
    return has_reason_ ? "reason == " + std::to_string(pair.reason) + " && " + condition
                       : condition;
}

uint64_t SummaryCounters::counted_since(const Pair& pair) const {
    auto it = counters_.find(pair);
    return it == counters_.end() ? UINT64_MAX : it->second.since_ns;
}

bool SummaryCounters::count(const Pair& pair) {
    Counter counter;
    PerfEventSpec spec;
    spec.tracepoint_id = tracepoint_id_;
    spec.counting = true;
    std::string filter = filters::all_of({base_filter_, pair_condition(pair)});
    try {
        for (int cpu : cpus_) {
            auto event = std::make_unique<PerfEvent>(spec, cpu);
            if (event->set_filter(filter) != 0) return false;
            counter.per_cpu.push_back(std::move(event));
        }
    } catch (const KernelError&) {
        return false;
    }
    for (auto& event : counter.per_cpu) event->enable();
    counter.since_ns = monotonic_now_ns();
    counters_[pair] = std::move(counter);
    return true;
}

std::string SummaryCounters::sampler_filter() const {
    std::vector<std::string> clauses{base_filter_};
    for (const auto& [pair, counter] : counters_)
        clauses.push_back("!(" + pair_condition(pair) + ")");
    return filters::all_of(clauses);
}

std::vector<std::pair<SummaryCounters::Pair, uint64_t>> SummaryCounters::totals() const {
    std::vector<std::pair<Pair, uint64_t>> out;
    for (const auto& [pair, counter] : counters_) {
        uint64_t total = 0;
        for (const auto& event : counter.per_cpu) total += event->count();
        out.emplace_back(pair, total);
    }
    return out;
}

}  // namespace ftnt
