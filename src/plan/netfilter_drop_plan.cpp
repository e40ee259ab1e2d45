#include "plan/netfilter_drop_plan.h"

#include "plan/fetchargs.h"
#include "plan/member_offsets.h"

namespace ftnt {
namespace {

// The hist trigger's keys; a table point without them cannot be counted by table and chain.
bool has_table_keys(const std::string& fields) {
    int found = 0;
    for (const auto& name : fetcharg_names(fields))
        found += name == "table" || name == "hook" || name == "pf";
    return found == 3;
}

}  // namespace

NetfilterDropPlan plan_netfilter_drops(const Catalog& catalog, const ProbeableFunctions& functions,
                                       const KernelTypes* types) {
    NetfilterDropPlan plan;
    for (const auto& e : catalog.entries()) {
        if (e.kind != "kprobe" || e.decode != DecodeAs::XtTable) continue;
        std::string function = functions.resolve(e.name);
        if (function.empty()) {
            plan.skipped.push_back(e.name + ": not in this kernel (its module is not loaded)");
            continue;
        }
        std::string fields = e.get("fields");
        if (!has_table_keys(fields)) {
            plan.skipped.push_back(e.name + ": its catalog fields lack table, hook or pf");
            continue;
        }
        auto resolved = types ? resolve_member_offsets(fields, *types) : std::nullopt;
        if (!resolved) {
            plan.skipped.push_back(e.name + ": a struct member its fields name is not in " +
                                   (types ? "this kernel" : "BTF (none found)"));
            continue;
        }
        // u8 of the return register: the verdict without NF_DROP_ERR's errno bits.
        plan.returns.push_back({event_name_for(e.name) + "_drop", function,
                                *resolved + " " + kVerdictField + "=$retval:u8", true});
    }
    return plan;
}

}  // namespace ftnt
