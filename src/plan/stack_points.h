// --trace-stack names tracepoints too (skb:kfree_skb or kfree_skb): their samples carry the
// callchain like a kprobe's.
#pragma once

#include <string>
#include <vector>

#include "plan/path_plan.h"

namespace ftnt {

// Marks the planned points `names` name as taking a stack; returns the names none took.
std::vector<std::string> take_stacks_at_tracepoints(PathPlan& plan,
                                                    const std::vector<std::string>& names);

}  // namespace ftnt
