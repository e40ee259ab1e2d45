// --monitor's netfilter drops by table and chain: each x_tables table function's kretprobe
// (plan/netfilter_drop_plan.h) with a hist trigger in the run's instance keyed on the table, the
// hook and the family, counting the returns of NF_DROP. Like the drops' trigger, the kernel
// counts and writes nothing to a ring.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "attach/dynamic_event.h"
#include "attach/hist_trigger.h"
#include "plan/netfilter_drop_plan.h"
#include "track/netfilter_drop_counts.h"

namespace ftnt {

// Entries a table's trigger holds (tables x hooks of one family need far fewer): the
// smallest table the kernel takes (TRACING_MAP_BITS_MIN 7, kernel/trace/tracing_map.h).
inline constexpr unsigned kHistNetfilterEntries = 128;

// "hist:keys=table,hook,pf:vals=hitcount:size=128 if verdict == 0" (NF_DROP is 0).
std::string netfilter_drop_trigger();
// "ipt_do_table, ip6t_do_table: kprobe on it refused: ..." from each function's error: one
// line for the functions the kernel refused in the same words.
std::vector<std::string> grouped_refusals(
    const std::vector<std::pair<std::string, std::string>>& refused);

class HistNetfilterDrops {
  public:
    // Attaches what the kernel takes; notes() says, a line for each way it refused, what.
    HistNetfilterDrops(const std::string& tracefs, const std::string& instance_dir,
                       const std::string& group, const NetfilterDropPlan& plan);

    // Something is counted: the metric is written (with no sample until a drop).
    bool counting() const { return !counted_.empty(); }
    // Summed over the tables' triggers; `refused`: keys a full table could not take.
    std::vector<NetfilterDropRow> rows(uint64_t* refused) const;
    const std::vector<std::string>& notes() const { return notes_; }
    // "ipt_do_table, ip6t_do_table"
    std::string functions() const;

  private:
    struct Counted {
        // Declared first, removed last: the kernel keeps an event with a trigger (EBUSY).
        std::unique_ptr<DynamicEvent> event;
        std::unique_ptr<HistTrigger> trigger;
    };
    std::vector<Counted> counted_;
    std::vector<std::string> notes_;
};

}  // namespace ftnt
