// dropwatch-style counts of drops by reason and location.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace ftnt {

struct SummaryRow {
    std::string reason;  // "" when the kernel has no reasons
    std::string location;
    uint64_t count = 0;
    std::string proto;             // --monitor's protocol label; "" in --summary
    bool reason_inferred = false;  // the reason the location stands for (before 5.17)
};

class DropSummary {
  public:
    void add(const std::string& reason, const std::string& location, uint64_t count = 1,
             const std::string& proto = "", bool reason_inferred = false);
    // Rows sorted by count, highest first, then by reason and location.
    std::vector<SummaryRow> rows() const;
    uint64_t total() const { return total_; }
    void clear();

  private:
    struct Count {
        uint64_t drops = 0;
        bool reason_inferred = false;
    };
    std::map<std::tuple<std::string, std::string, std::string>, Count> counts_;
    uint64_t total_ = 0;
};

}  // namespace ftnt
