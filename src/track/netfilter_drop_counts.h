// Netfilter drops counted by table and chain, as --monitor exposes them: the rows of the
// hist triggers on the x_tables table functions' returns (run/hist_netfilter_drops.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ftnt {

struct NetfilterDropRow {
    std::string family;  // "ipv4"
    std::string table;   // "filter"
    std::string chain;   // the built-in chain of the hook: "INPUT"
    uint64_t count = 0;
};

// The rows of one trigger's hist file (keys table, hook, pf, in that order); entries of
// another shape are skipped.
std::vector<NetfilterDropRow> netfilter_drop_rows(const std::string& hist_text);
// Rows of the same family, table and chain added up, in that order.
std::vector<NetfilterDropRow> summed_netfilter_drops(const std::vector<NetfilterDropRow>& rows);

}  // namespace ftnt
