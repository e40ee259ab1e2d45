// --summary without a sample per drop: once a (reason, location) pair has been seen, a
// counting perf event filtered on that pair counts it in the kernel, and the sampler's
// filter excludes it. A storm of one kind of drop then costs a counter increment per drop,
// not a ring record.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "attach/perf_event.h"

namespace ftnt {

class SummaryCounters {
  public:
    // `base_filter`: the user's filter, which every counter keeps too.
    SummaryCounters(std::vector<int> cpus, uint64_t tracepoint_id, std::string base_filter,
                    bool has_reason, std::size_t max_pairs = 32, bool by_protocol = false);

    // --monitor keys on the protocol too (`by_protocol`); otherwise `protocol` stays 0.
    struct Pair {
        uint32_t reason = 0;
        uint64_t location = 0;
        uint16_t protocol = 0;
        auto operator<=>(const Pair&) const = default;
    };
    bool counted(const Pair& pair) const { return counters_.count(pair) != 0; }
    // Time from which the pair's drops are counted in the kernel (samples after it are not
    // to be added again): read once every CPU's counter is enabled, so a drop in between is
    // both sampled and counted rather than neither (one counted twice, in the microseconds of
    // the switch, is the bound; none is lost).
    uint64_t counted_since(const Pair& pair) const;
    bool full() const { return counters_.size() >= max_pairs_; }
    // Opens and enables the pair's counters on every CPU. Returns false when the kernel
    // refuses the filter (the pair then stays sampled).
    bool count(const Pair& pair);
    // The sampler's filter: the user's, minus every counted pair.
    std::string sampler_filter() const;
    // Counts so far, summed over CPUs.
    std::vector<std::pair<Pair, uint64_t>> totals() const;

  private:
    std::string pair_condition(const Pair& pair) const;

    std::vector<int> cpus_;
    uint64_t tracepoint_id_;
    std::string base_filter_;
    bool has_reason_;
    std::size_t max_pairs_;
    bool by_protocol_;
    struct Counter {
        std::vector<std::unique_ptr<PerfEvent>> per_cpu;
        uint64_t since_ns = 0;
    };
    std::map<Pair, Counter> counters_;
};

}  // namespace ftnt
