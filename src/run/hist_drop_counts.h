// --monitor's drops counted by a hist trigger on skb:kfree_skb in the run's instance, keyed on
// reason (5.17+), location and protocol: the kernel adds each drop to its table and writes
// nothing to a ring (the event stays soft-disabled), so the reader never sees a drop record.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "attach/hist_trigger.h"
#include "decode/address_namer.h"
#include "discover/drop_reasons.h"
#include "track/drop_summary.h"

namespace ftnt {

// Entries the table holds before the kernel counts new keys as "Dropped".
inline constexpr unsigned kHistDropEntries = 2048;

// "hist:keys=reason,location,protocol:vals=hitcount:size=2048 if (FILTER)"
std::string drop_hist_trigger(bool has_reason, const std::string& filter);

class HistDropCounts {
  public:
    // Throws KernelError with the kernel's reason when it refuses the trigger.
    HistDropCounts(const std::string& tracefs, const std::string& instance_dir, bool has_reason,
                   const std::string& filter, const DropReasonTable& reasons, AddressNamer& namer);

    // The table's entries, named; with the count of keys the full table refused.
    std::vector<SummaryRow> rows(uint64_t* refused) const;

  private:
    HistTrigger trigger_;
    bool has_reason_;
    const DropReasonTable& reasons_;
    AddressNamer& namer_;
};

}  // namespace ftnt
