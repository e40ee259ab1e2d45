// In-kernel following of a filtered packet to its free, with hist triggers: which point gets
// which trigger, and the synthetic events they fire. A pure function of the path plan.
//
// Every header-filtered kprobe ("entry") funnels into one synthetic mark event; the mark's
// hist keeps a timestamp per skb; each free point (lifecycle = free) fires its own synthetic
// "followed free" event only for a marked skb, and only once (the variable is read once).
// A filter that matches nothing then sends no free event to user space at all.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "plan/path_plan.h"

namespace ftnt {

struct FollowSynthetic {
    std::string name;    // synthetic event name (global): "<group>_mark", "<group>_free_<ev>"
    std::string fields;  // its synthetic_events definition after the name
    std::string point;   // the catalog point whose free it stands for ("" for the mark)
};

struct FollowTrigger {
    std::string system, event;  // where the trigger lives in the run's instance
    std::string text;           // what is written to the trigger file
};

struct FollowPlan {
    std::vector<FollowSynthetic> synthetics;  // the mark first
    // In creation order (the mark's table, the entries, the frees); removed in reverse.
    std::vector<FollowTrigger> triggers;
    std::set<std::string> in_kernel;  // points only the kernel reads (not opened with perf)
    bool empty() const { return triggers.empty(); }
};

struct FollowInput {
    std::string group;                 // the run's dynamic group, also the synthetic events' prefix
    std::string extra_filter;          // the common kernel filter of skb kprobes (netns, length)
    std::size_t mark_entries = 32768;  // packets followed at once (the mark table's size)
    std::size_t cpus = 1;              // CPUs configured: the per-CPU tables hold one a CPU
    bool kfree_skb_reason = false;     // skb:kfree_skb has `reason` (5.17+)
};

// Empty when nothing is filtered in the kernel (every event reaches user space anyway) or a
// point this needs is missing.
FollowPlan plan_follow(const std::vector<PathProbe>& probes, const FollowInput& in);

}  // namespace ftnt
