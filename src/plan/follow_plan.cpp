#include "plan/follow_plan.h"

#include "ftnettrace/filters.h"

namespace ftnt {
namespace {

bool is_entry(const PathProbe& p) {
    return !p.tracepoint && !p.socket_only && p.lifecycle != "free" && p.lifecycle != "clone";
}

bool filtered(const std::vector<PathProbe>& probes) {
    for (const auto& p : probes)
        if (is_entry(p) && !p.filter.empty()) return true;
    return false;
}

std::string mark_name(const FollowInput& in) {
    return in.group + "_mark";
}

FollowTrigger entry_trigger(const PathProbe& p, const FollowInput& in) {
    // Keyed by CPU: the table stays one entry a CPU; onchange of the timestamp fires each hit.
    std::string text =
        "hist:keys=common_cpu:t=common_timestamp:onchange($t).trace(" + mark_name(in) + ",skb)";
    auto filter = filters::all_of({p.filter, in.extra_filter});
    if (!filter.empty()) text += " if " + filter;
    return {in.group, p.kprobe.event, text};
}

// The free point's synthetic event and trigger; false for a free point it cannot key.
bool add_free(const PathProbe& p, const FollowInput& in, FollowPlan& plan) {
    bool drop = p.tracepoint && p.name == "skb:kfree_skb";
    std::string key = p.tracepoint ? "skbaddr" : "skb";
    if (p.tracepoint && p.name != "skb:consume_skb" && !drop) return false;
    std::string event = p.tracepoint ? p.name.substr(p.name.find(':') + 1) : p.kprobe.event;
    FollowSynthetic synthetic{in.group + "_free_" + event, "u64 skb; u64 age_us", p.name};
    std::string params = key + ",$age";
    if (drop) {
        synthetic.fields += "; u64 location";
        params += ",location";
        if (in.kfree_skb_reason) {
            synthetic.fields += "; u32 reason";
            params += ",reason";
        }
    }
    // The expression reads $ts0 once: a second free of the same mark does not match.
    // Only matched frees take an entry: the table holds one a followed skb address.
    std::string text = "hist:keys=" + key +
                       ":age=common_timestamp.usecs-$ts0:size=" + std::to_string(in.mark_entries) +
                       ":onmatch(synthetic." + mark_name(in) + ").trace(" + synthetic.name + "," +
                       params + ")";
    plan.synthetics.push_back(synthetic);
    plan.triggers.push_back({p.tracepoint ? "skb" : in.group, event, text});
    plan.in_kernel.insert(p.name);
    return true;
}

}  // namespace

FollowPlan plan_follow(const std::vector<PathProbe>& probes, const FollowInput& in) {
    FollowPlan plan;
    if (!filtered(probes)) return plan;
    plan.synthetics.push_back({mark_name(in), "u64 skb", ""});
    plan.triggers.push_back(
        {"synthetic", mark_name(in),
         "hist:keys=skb:ts0=common_timestamp.usecs:size=" + std::to_string(in.mark_entries)});
    for (const auto& p : probes)
        if (is_entry(p)) plan.triggers.push_back(entry_trigger(p, in));
    for (const auto& p : probes)
        if (p.lifecycle == "free") add_free(p, in, plan);
    if (plan.in_kernel.empty()) return {};
    return plan;
}

}  // namespace ftnt
