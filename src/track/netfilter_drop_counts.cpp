#include "track/netfilter_drop_counts.h"

#include <map>
#include <tuple>

#include "decode/netfilter_fields.h"
#include "read/hist_table.h"

namespace ftnt {

std::vector<NetfilterDropRow> netfilter_drop_rows(const std::string& hist_text) {
    std::vector<NetfilterDropRow> out;
    for (const auto& entry : parse_hist_entries(hist_text, {"table"})) {
        bool shaped = entry.names == std::vector<std::string>{"table", "hook", "pf"};
        if (!shaped || entry.text("table").empty()) continue;
        auto pf = static_cast<unsigned>(entry.key("pf"));
        out.push_back({netfilter_family_name(pf), entry.text("table"),
                       netfilter_hook_name(pf, static_cast<unsigned>(entry.key("hook"))),
                       entry.hitcount});
    }
    return out;
}

std::vector<NetfilterDropRow> summed_netfilter_drops(const std::vector<NetfilterDropRow>& rows) {
    std::map<std::tuple<std::string, std::string, std::string>, uint64_t> summed;
    for (const auto& row : rows) summed[{row.family, row.table, row.chain}] += row.count;
    std::vector<NetfilterDropRow> out;
    for (const auto& [key, count] : summed)
        out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
    return out;
}

}  // namespace ftnt
