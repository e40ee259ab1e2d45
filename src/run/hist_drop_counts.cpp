#include "run/hist_drop_counts.h"

#include "decode/packet_tuple.h"
#include "read/hist_table.h"

namespace ftnt {

std::string drop_hist_trigger(bool has_reason, const std::string& filter) {
    std::string text = std::string("hist:keys=") + (has_reason ? "reason," : "") +
                       "location,protocol:vals=hitcount:size=" + std::to_string(kHistDropEntries);
    return filter.empty() ? text : text + " if " + filter;
}

HistDropCounts::HistDropCounts(const std::string& tracefs, const std::string& instance_dir,
                               bool has_reason, const std::string& filter,
                               const DropReasonTable& reasons, AddressNamer& namer)
    : trigger_(tracefs, instance_dir, "skb", "kfree_skb", drop_hist_trigger(has_reason, filter)),
      has_reason_(has_reason),
      reasons_(reasons),
      namer_(namer) {}

std::vector<SummaryRow> HistDropCounts::rows(uint64_t* refused) const {
    std::string table = trigger_.table();
    if (refused) *refused = hist_dropped(table);
    DropSummary summary;
    for (const auto& entry : parse_hist_entries(table)) {
        std::string reason =
            has_reason_ ? reasons_.name_of(static_cast<uint32_t>(entry.key("reason"))) : "";
        summary.add(reason, namer_.name(entry.key("location")).location, entry.hitcount,
                    ethertype_name(static_cast<uint16_t>(entry.key("protocol"))));
    }
    return summary.rows();
}

}  // namespace ftnt
