// The entries of a hist trigger's table, read from its hist file: lines of the form
//   { reason:          2, location: 18446744071868957841, protocol:       2048 } hitcount:   3
// (numeric keys without modifiers are printed in decimal, 6.1 and later alike); a string key
// is printed as it is, padded to 50 characters ("%s: %-50s", hist_trigger_print_key).
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ftnt {

struct HistEntry {
    std::vector<std::pair<std::string, uint64_t>> keys;  // in the trigger's key order
    std::vector<std::pair<std::string, std::string>> text_keys;
    std::vector<std::string> names;  // every key's name, numbers and strings, in order
    uint64_t hitcount = 0;
    // The key's value, or 0 when the entry has no such key.
    uint64_t key(const std::string& name) const;
    // A string key's value (trailing padding removed), or "".
    std::string text(const std::string& name) const;
};

// Entries whose keys are all numbers, but for those named in `string_keys`; other lines
// (comments, Totals) are skipped.
std::vector<HistEntry> parse_hist_entries(const std::string& hist_text,
                                          const std::set<std::string>& string_keys = {});

}  // namespace ftnt
