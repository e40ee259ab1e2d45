// The kernel function every drop passes through, for a kprobe at the drop: chosen by what the
// running kernel can trace (the catalog's [drop_function] entries, in order), not by version:
// sk_skb_reason_drop (6.11+), kfree_skb_reason (5.17+), kfree_skb.
#pragma once

#include <optional>
#include <string>

#include "plan/catalog.h"
#include "plan/path_plan.h"

namespace ftnt {

struct DropFunction {
    std::string function;  // the name to probe (a compiler clone's full name if so)
    int skb_arg = 1;       // 1-based
    int reason_arg = 0;    // 1-based; 0: this function takes no reason
};

// The first [drop_function] entry the kernel has; nothing when none is traceable.
std::optional<DropFunction> find_drop_function(const Catalog& catalog,
                                               const ProbeableFunctions& functions);

}  // namespace ftnt
