#include "track/drop_summary.h"

#include <algorithm>

namespace ftnt {

void DropSummary::add(const std::string& reason, const std::string& location, uint64_t count,
                      const std::string& proto) {
    counts_[{reason, location, proto}] += count;
    total_ += count;
}

std::vector<SummaryRow> DropSummary::rows() const {
    std::vector<SummaryRow> out;
    for (const auto& [key, count] : counts_)
        out.push_back({std::get<0>(key), std::get<1>(key), count, std::get<2>(key)});
    std::stable_sort(out.begin(), out.end(),
                     [](const SummaryRow& a, const SummaryRow& b) { return a.count > b.count; });
    return out;
}

void DropSummary::clear() {
    counts_.clear();
    total_ = 0;
}

}  // namespace ftnt
