#include "modes/reset_mode.h"

#include <unistd.h>

#include <iomanip>
#include <iostream>

#include "attach/trace_instance.h"
#include "cli/run_options.h"
#include "core/errors.h"
#include "core/stop_signal.h"
#include "discover/event_formats.h"
#include "discover/kernel_env.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "netfilter/run_state.h"
#include "plan/path_plan.h"
#include "plan/skb_layout.h"
#include "plan/user_filter.h"
#include "run/reset_pipeline.h"

namespace ftnt {
namespace {

// The points a reset passes. The tracepoints exist since 4.15. Before 6.10 tcp_send_reset is
// not raised for a segment that found no socket (tcp_v4_send_reset raised it only with one):
// a closed port's reset is then only seen by a kprobe on the send_reset functions.
std::vector<std::string> reset_points(bool kprobes, bool reasons_in_tracepoint) {
    std::vector<std::string> points = {"tcp:tcp_send_reset", "tcp:tcp_receive_reset"};
    if (kprobes && !reasons_in_tracepoint) {
        points.push_back("tcp_v4_send_reset");
        points.push_back("tcp_v6_send_reset");
    }
    return points;
}

// The kprobes on tcp_v4_send_reset/tcp_v6_send_reset keep only the segments without a socket
// (their first argument, %di on x86-64, is NULL): the tracepoint shows the others.
void keep_socketless_segments(PathPlan& plan) {
    for (auto& probe : plan.probes) {
        if (!reset_point_sees_answered_segment(probe.name)) continue;
        probe.kprobe.fetchargs += " rsk=%di:x64";
        probe.filter = probe.filter.empty() ? "rsk == 0" : "(" + probe.filter + ") && rsk == 0";
    }
}

void say_sources(const PathPlan& plan, bool reasons_in_tracepoint) {
    std::string names;
    for (const auto& probe : plan.probes) names += (names.empty() ? "" : ", ") + probe.name;
    std::cerr << "ftnettrace: resets from " << names << "; reasons: "
              << (reasons_in_tracepoint ? "the kernel's own (tcp_send_reset's enum)"
                                        : "none in this kernel (before 6.10): causes from the "
                                          "stack")
              << "\n";
    bool socketless_seen = reasons_in_tracepoint;
    for (const auto& probe : plan.probes)
        socketless_seen = socketless_seen || reset_point_sees_answered_segment(probe.name);
    if (!socketless_seen)
        std::cerr << "ftnettrace: closed-port resets are not seen here: tcp_send_reset is raised "
                     "for them only since 6.10, and the kprobes on tcp_v4_send_reset and "
                     "tcp_v6_send_reset need a kernel with kprobes and BTF\n";
    if (!plan.kprobes) return;
    for (const auto& line : plan.skipped) std::cerr << "ftnettrace: skipped " << line << "\n";
}

}  // namespace

int run_reset_mode(const Options& o) {
    // discover
    require_root();
    TracefsMount tracefs;
    auto features = read_tracefs_features(tracefs.path());
    auto filter = packet_filter_of(filter_flags_of(o));
    Catalog catalog = Catalog::load(o.catalog_dir);
    EventFormats formats;
    tep_event* send_reset = formats.load(tracefs.path(), "tcp", "tcp_send_reset");
    if (!send_reset)
        throw KernelError("the tcp:tcp_send_reset tracepoint is missing (kernel before 4.15)");
    bool reasons_in_tracepoint = static_cast<bool>(FieldRef(send_reset, "reason"));
    KernelOffsets offsets;
    if (features.kprobe_events) offsets = load_kernel_offsets(o.btf, o.vmlinux);
    auto functions = ProbeableFunctions::read(tracefs.path());
    AddressNamer namer(symbolize::Kallsyms::load(), debug_info_options(o.vmlinux));

    // plan
    std::string group = dynamic_group_for_pid(::getpid());
    PathPlanInput in;
    in.catalog = &catalog;
    in.features = &features;
    in.types = offsets.types.get();
    in.layout = offsets.layout ? &*offsets.layout : nullptr;
    in.functions = &functions;
    // No filter in the kernel: -s/-d/-S/-D match a reset either way round, and a kprobe's
    // filter would read the answered segment's own direction. Resets are few: user space checks.
    in.selection = reset_points(features.kprobe_events && in.layout, reasons_in_tracepoint);
    in.group = group;
    in.tracefs_events = tracefs.path() + "/events";
    PathPlan plan = plan_path(in);
    for (auto& probe : plan.probes) probe.stack = true;
    keep_socketless_segments(plan);
    say_sources(plan, reasons_in_tracepoint);

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance and the group of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    PathAttachment attachment(tracefs.path(), group, instance, formats, RingOptions{o.ring_pages});
    for (const auto& probe : plan.probes) attachment.attach(probe, "");
    for (const auto& line : attachment.skipped())
        std::cerr << "ftnettrace: skipped " << line << "\n";
    if (attachment.attached() == 0) throw KernelError("no reset point could be attached");
    for (const auto& line : namer.status_lines()) std::cerr << "ftnettrace: " << line << "\n";

    // decode -> track -> output
    OutputSink sink(STDOUT_FILENO);
    auto output =
        make_output(o.output == OutputKind::Json ? OutputFormat::json : OutputFormat::text, sink,
                    {{o.wall_clock, measure_monotonic_to_realtime()}});
    ResetPipeline pipeline({o.count, o.pid}, filter, attachment, namer, *output);

    // read
    RunLoop loop(stop, sink, {o.duration_seconds});
    attachment.reader().enable();
    std::cerr << "ftnettrace: tracing resets; Ctrl-C to stop\n";
    loop.run(&attachment.reader(), {}, pipeline);
    auto end = finish_output(sink);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, " << pipeline.shown()
              << " resets shown, " << attachment.reader().lost_total() << " lost, " << std::fixed
              << std::setprecision(2) << loop.seconds() << " s\n";
    return end.exit_code;
}

}  // namespace ftnt
