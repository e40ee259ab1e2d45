#include "modes/path_messages.h"

#include <event-parse.h>
#include <unistd.h>

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <set>

#include "core/errors.h"
#include "core/tcp_flags.h"

namespace ftnt {
namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

// "; ignored here: --ret, --hooks, --trace-stack ip_rcv (they need kprobes)", or "".
std::string ignored_without_kprobes(const Options& o, const std::vector<std::string>& stackless) {
    std::vector<std::string> ignored;
    if (o.returns) ignored.push_back("--ret");
    if (o.hooks) ignored.push_back("--hooks");
    if (!stackless.empty()) ignored.push_back("--trace-stack " + join(stackless, ","));
    if (ignored.empty()) return "";
    return "; ignored here: " + join(ignored, ", ") + " (they need kprobes)";
}

}  // namespace

// --kprobe and --kretprobe are probes of their own: without kprobe_events there is nothing
// they could mean, so the run is refused (exit 1: the kernel lacks it) naming the flag.
void refuse_adhoc_probes_without_kprobes(const Options& o, const TracefsFeatures& features) {
    if (features.kprobe_events || (o.kprobes.empty() && o.kretprobes.empty())) return;
    std::vector<std::string> flags;
    if (!o.kprobes.empty()) flags.push_back("--kprobe");
    if (!o.kretprobes.empty()) flags.push_back("--kretprobe");
    throw KernelError(join(flags, " and ") +
                      ": this kernel has no kprobe_events (CONFIG_KPROBES is off); "
                      "trace its tracepoints with -t SYSTEM:EVENT instead");
}

void say_plan(const Options& o, const PathPlan& plan, const std::vector<std::string>& stackless) {
    if (!plan.kprobes)
        std::cerr << "ftnettrace: kprobes: this kernel has no kprobe_events (CONFIG_KPROBES is "
                     "off): following packets by skb address on tracepoints only (net:*, skb:*), "
                     "without function path, tuple or filter"
                  << ignored_without_kprobes(o, stackless)
                  << "; a kernel with kprobes shows the whole path, --drop shows drops here\n";
    else if (!stackless.empty())
        std::cerr << "ftnettrace: --trace-stack " << join(stackless, ",")
                  << ": not a traced point here, no stack taken\n";
}

UserChecks user_checks_of(const Options& o) {
    UserChecks checks;
    checks.pid = o.pid;
    for (char c : o.tcp_flags) checks.tcp_flags |= tcp_flag_bit(c).value_or(0);
    checks.icmp_id = o.icmp_id;
    return checks;
}

void say_end(const Options& o, const PathPipeline& pipeline, const OutputSink& sink,
             PathAttachment& attachment, double seconds,
             const std::optional<netfilter::FirewallTrace>& firewall) {
    uint64_t lost = attachment.reader().lost_total();
    if (attachment.ring()) lost += attachment.ring()->lost_total();
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, " << sink.shown()
              << (o.basic ? " events" : " packets") << " shown, " << lost << " lost, " << std::fixed
              << std::setprecision(2) << seconds << " s\n";
    if (auto dropped = attachment.follow_dropped())
        std::cerr << "ftnettrace: " << dropped << " packets not followed to their free in the "
                  << "kernel (its tables of " << kFollowEntries << " skbs were full)\n";
    if (!firewall) return;
    auto c = firewall->counts();
    std::cerr << "ftnettrace: " << c.steps << " firewall steps (" << pipeline.joined_steps()
              << " joined to packets), " << c.invalid << " invalid packets, " << c.kmsg_lost
              << " kernel log records lost, " << c.netlink_overruns << " trace socket overruns, "
              << c.foreign_trace_lines << " TRACE lines of other namespaces dropped, " << c.rules
              << " rules and " << c.tables << " tables removed\n";
}

FollowPlan follow_plan_of(const TracefsFeatures& features, const PathPlan& plan,
                          const std::string& group, const std::string& extra,
                          tep_event* kfree_skb) {
    if (!features.hist_follow) return {};
    FollowInput in;
    in.group = group;
    in.extra_filter = extra;
    in.mark_entries = kFollowEntries;
    in.cpus = static_cast<std::size_t>(std::max(1L, ::sysconf(_SC_NPROCESSORS_CONF)));
    in.kfree_skb_reason = kfree_skb && tep_find_field(kfree_skb, "reason");
    return plan_follow(plan.probes, in);
}

void say_following(const TracefsFeatures& features, const PathPlan& plan,
                   const std::string& refused, bool unfiltered) {
    if (!plan.kprobes || unfiltered) return;
    if (!features.hist_follow)
        std::cerr << "ftnettrace: this kernel has no hist triggers or synthetic events "
                     "(CONFIG_HIST_TRIGGERS, CONFIG_SYNTH_EVENTS): the frees of every packet "
                     "reach user space, which keeps those of the filtered ones\n";
    else if (!refused.empty())
        std::cerr << "ftnettrace: following filtered packets to their free in the kernel: "
                  << refused << "; the frees of every packet are read instead\n";
}

void say_idle_rules(const Judge& judge, const PathPlan& plan, bool kprobes) {
    std::set<std::string> traced;
    for (const auto& probe : plan.probes) traced.insert(probe.name);
    auto idle = judge.idle_rules(traced);
    if (idle.empty()) return;
    std::string names;
    for (const auto& name : idle) names += (names.empty() ? "" : ", ") + name;
    std::cerr << "ftnettrace: diag: " << idle.size() << " rules read points this run does not trace"
              << (kprobes ? "" : " (kernel functions: this kernel has no kprobes)") << ": " << names
              << "\n";
}

}  // namespace ftnt
