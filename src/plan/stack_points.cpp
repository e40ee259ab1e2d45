#include "plan/stack_points.h"

namespace ftnt {

std::vector<std::string> take_stacks_at_tracepoints(PathPlan& plan,
                                                    const std::vector<std::string>& names) {
    std::vector<std::string> unmatched;
    for (const auto& name : names) {
        bool taken = false;
        for (auto& probe : plan.probes) {
            auto colon = probe.name.find(':');
            bool named = probe.name == name ||
                         (colon != std::string::npos && probe.name.substr(colon + 1) == name);
            if (!named) continue;
            probe.stack = true;
            taken = true;
        }
        if (!taken) unmatched.push_back(name);
    }
    return unmatched;
}

}  // namespace ftnt
