// The entries of a hist trigger's table, read from its hist file: lines of the form
//   { reason:          2, location: 18446744071868957841, protocol:       2048 } hitcount:   3
// (numeric keys without modifiers are printed in decimal, 6.1 and later alike).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ftnt {

struct HistEntry {
    std::vector<std::pair<std::string, uint64_t>> keys;  // in the trigger's key order
    uint64_t hitcount = 0;
    // The key's value, or 0 when the entry has no such key.
    uint64_t key(const std::string& name) const;
};

// Entries whose keys are all numbers; other lines (comments, Totals) are skipped.
std::vector<HistEntry> parse_hist_entries(const std::string& hist_text);

}  // namespace ftnt
