// --monitor's counts as Prometheus metric families. Drop locations are bounded: the first
// `named_locations` locations (highest count first when several appear at once) keep a series
// of their own for the run's life, every later one counts in location="other", so a counter
// never goes down and the number of series is flat however long the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "output/metrics_text.h"
#include "track/drop_summary.h"
#include "track/netfilter_drop_counts.h"

namespace ftnt {

struct MonitorCounts {
    std::vector<SummaryRow> drops;  // reason, location, proto, count (DropSummary::rows)
    // Absent: the kernel lacks the tracepoint, and the metric is not written.
    std::optional<uint64_t> resets_sent, resets_received, retransmits;
    // Absent: the kernel cannot count them by table (the metric is not written).
    std::optional<std::vector<NetfilterDropRow>> netfilter_drops;
    uint64_t lost = 0;
};

class MonitorMetrics {
  public:
    static constexpr std::size_t kNamedLocations = 20;
    explicit MonitorMetrics(std::size_t named_locations = kNamedLocations)
        : limit_(named_locations) {}

    std::vector<MetricFamily> families(const MonitorCounts& counts);

  private:
    std::vector<MetricSample> drop_samples(const std::vector<SummaryRow>& rows);

    std::size_t limit_;
    std::set<std::string> named_;
};

}  // namespace ftnt
