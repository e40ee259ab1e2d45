#include "track/drop_summary.h"

#include <algorithm>

namespace ftnt {

void DropSummary::add(const std::string& reason, const std::string& location, uint64_t count,
                      const std::string& proto, bool reason_inferred) {
    Count& entry = counts_[{reason, location, proto}];
    entry.drops += count;
    entry.reason_inferred = reason_inferred;
    total_ += count;
}

std::vector<SummaryRow> DropSummary::rows() const {
    std::vector<SummaryRow> out;
    for (const auto& [key, count] : counts_)
        out.push_back({std::get<0>(key), std::get<1>(key), count.drops, std::get<2>(key),
                       count.reason_inferred});
    std::stable_sort(out.begin(), out.end(),
                     [](const SummaryRow& a, const SummaryRow& b) { return a.count > b.count; });
    return out;
}

void DropSummary::clear() {
    counts_.clear();
    total_ = 0;
}

}  // namespace ftnt
