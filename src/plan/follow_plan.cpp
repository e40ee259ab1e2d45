#include "plan/follow_plan.h"

#include <algorithm>
#include <bit>

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

// A hist that uses common_timestamp sets its instance's trace_clock to its own clock= (by
// default "global", which under emulation ran 40-50 ms behind the perf rings' CLOCK_MONOTONIC
// on 6.1): every trigger here names the perf rings' clock.
constexpr const char* kMono = ":clock=mono";

// A table keyed by common_cpu: the kernel allocates every entry of a hist when the trigger is
// set (tracing_map, 2048 by default), which under emulation costs a second a trigger; 128 is
// the least it takes (TRACING_MAP_BITS_MIN).
std::string per_cpu_size(const FollowInput& in) {
    return ":size=" + std::to_string(std::max<std::size_t>(128, std::bit_ceil(in.cpus)));
}

FollowTrigger entry_trigger(const PathProbe& p, const FollowInput& in) {
    // Keyed by CPU: the table stays one entry a CPU; onchange of the timestamp fires each hit.
    std::string text = "hist:keys=common_cpu:t=common_timestamp" + per_cpu_size(in) + kMono +
                       ":onchange($t).trace(" + mark_name(in) + ",skb)";
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
    FollowSynthetic synthetic{in.group + "_free_" + event, "u64 skb; u64 age_ns; u64 ns", p.name};
    std::string params = key + ",$age,$now";
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
    // $now is the free's own time as the writer took it; the record's time read back from
    // trace_pipe_raw rests on the page's stamp, which 6.1 gives a partly read page from the
    // reader's time (rb_update_read_stamp skips the deltas of discarded trigger events).
    std::string text =
        "hist:keys=" + key +
        ":age=common_timestamp-$ts0:now=common_timestamp:size=" + std::to_string(in.mark_entries) +
        kMono + ":onmatch(synthetic." + mark_name(in) + ").trace(" + synthetic.name + "," + params +
        ")";
    plan.synthetics.push_back(synthetic);
    plan.triggers.push_back({p.tracepoint ? "skb" : in.group, event, text});
    plan.in_kernel.insert(p.name);
    return true;
}

// skb_clone: its entry, for a marked skb, leaves the skb (and the mark's time, a bare $ts0
// that is not read once: the original stays marked) in a per-CPU "cloning" table; its
// return, matching that table (read once), fires "cloned" with both addresses, which user
// space reads and whose own trigger marks the clone.
void add_clone(const PathProbe& p, const FollowInput& in, FollowPlan& plan,
               std::vector<FollowTrigger>& after_entries) {
    if (p.tracepoint || !p.kretprobe) return;
    std::string cloning = in.group + "_cloning", cloned = in.group + "_cloned";
    plan.synthetics.push_back({cloning, "u64 skb; u64 ts0", ""});
    plan.synthetics.push_back({cloned, "u64 skb; u64 clone; u64 ns", p.name});
    plan.triggers.push_back(
        {"synthetic", cloning,
         "hist:keys=common_cpu:orig=skb:p=common_timestamp" + per_cpu_size(in) + kMono});
    after_entries.push_back(
        {in.group, p.kprobe.event,
         "hist:keys=skb:onmatch(synthetic." + mark_name(in) + ").trace(" + cloning + ",skb,$ts0)"});
    after_entries.push_back({in.group, p.kretprobe->event,
                             "hist:keys=common_cpu:d=common_timestamp-$p:now=common_timestamp" +
                                 per_cpu_size(in) + kMono + ":onmatch(synthetic." + cloning +
                                 ").trace(" + cloned + ",$orig,ret,$now)"});
    after_entries.push_back({"synthetic", cloned,
                             "hist:keys=common_cpu:t=common_timestamp" + per_cpu_size(in) + kMono +
                                 ":onchange($t).trace(" + mark_name(in) + ",clone)"});
    plan.in_kernel.insert(p.name);
}

}  // namespace

FollowPlan plan_follow(const std::vector<PathProbe>& probes, const FollowInput& in) {
    FollowPlan plan;
    if (!filtered(probes)) return plan;
    plan.synthetics.push_back({mark_name(in), "u64 skb", ""});
    plan.triggers.push_back(
        {"synthetic", mark_name(in),
         "hist:keys=skb:ts0=common_timestamp:size=" + std::to_string(in.mark_entries) + kMono});
    std::vector<FollowTrigger> clone_triggers;
    for (const auto& p : probes)
        if (p.lifecycle == "clone") add_clone(p, in, plan, clone_triggers);
    for (const auto& p : probes)
        if (is_entry(p)) plan.triggers.push_back(entry_trigger(p, in));
    plan.triggers.insert(plan.triggers.end(), clone_triggers.begin(), clone_triggers.end());
    bool frees = false;
    for (const auto& p : probes)
        if (p.lifecycle == "free") frees = add_free(p, in, plan) || frees;
    if (!frees) return {};  // nothing would end a followed packet in the kernel
    return plan;
}

}  // namespace ftnt
