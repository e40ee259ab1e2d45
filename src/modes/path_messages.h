// What a path run says besides its packets (the plan's limits, following in the kernel, the
// closing counts) and the small pieces path_mode composes from the command line.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "discover/tracefs_features.h"
#include "netfilter/firewall_trace.h"
#include "output/output_sink.h"
#include "plan/follow_plan.h"
#include "plan/path_plan.h"
#include "run/path_attachment.h"
#include "run/path_pipeline.h"
#include "track/path_match.h"

struct tep_event;

namespace ftnt {

// The mark table's size: skb addresses followed in the kernel (addresses recycle, so this
// bounds the distinct addresses of followed packets during the run).
constexpr std::size_t kFollowEntries = 32768;

// --kprobe/--kretprobe on a kernel without kprobe_events: KernelError naming the flags.
void refuse_adhoc_probes_without_kprobes(const Options& o, const TracefsFeatures& features);
void say_plan(const Options& o, const PathPlan& plan, const std::vector<std::string>& stackless);
UserChecks user_checks_of(const Options& o);
void say_end(const Options& o, const PathPipeline& pipeline, const OutputSink& sink,
             PathAttachment& attachment, double seconds,
             const std::optional<netfilter::FirewallTrace>& firewall);
// Empty on a kernel without hist triggers and synthetic events.
FollowPlan follow_plan_of(const TracefsFeatures& features, const PathPlan& plan,
                          const std::string& group, const std::string& extra, tep_event* kfree_skb);
// --diag: which rules read a point this run does not trace, in one line (none: nothing said).
void say_idle_rules(const Judge& judge, const PathPlan& plan, bool kprobes);
void say_following(const TracefsFeatures& features, const PathPlan& plan,
                   const std::string& refused, bool unfiltered);

}  // namespace ftnt
