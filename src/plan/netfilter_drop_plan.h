// --monitor's netfilter drops by table and chain: a kretprobe on each x_tables table function
// of the catalog (`decode = xt_table`: ipt_do_table, ip6t_do_table), fetching the point's own
// fields (table, hook, pf) and the verdict, for a hist trigger that counts the returns of
// NF_DROP. The fields are arguments read at the return: kprobe_events takes $argN in a return
// probe since 6.9 (25f00e40ce79); an older kernel refuses the probe, and says why.
#pragma once

#include <string>
#include <vector>

#include "discover/kernel_types.h"
#include "plan/catalog.h"
#include "plan/kprobe_spec.h"
#include "plan/path_plan.h"

namespace ftnt {

struct NetfilterDropPlan {
    std::vector<KprobeSpec> returns;   // one "r:" probe per table function of this kernel
    std::vector<std::string> skipped;  // "ip6t_do_table: not in this kernel (module not loaded)"
};

// The fetched field the hist trigger filters on: the verdict's low byte (NF_VERDICT_MASK).
inline constexpr const char* kVerdictField = "verdict";

// `types` may be null (no BTF): every point is skipped.
NetfilterDropPlan plan_netfilter_drops(const Catalog& catalog, const ProbeableFunctions& functions,
                                       const KernelTypes* types);

}  // namespace ftnt
