#include "modes/sock_mode.h"

#include <unistd.h>

#include <iomanip>
#include <iostream>

#include "attach/trace_instance.h"
#include "cli/run_options.h"
#include "core/errors.h"
#include "core/shown_value.h"
#include "core/stop_signal.h"
#include "decode/tcp_state.h"
#include "discover/event_formats.h"
#include "discover/kernel_env.h"
#include "discover/netns.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "ftnettrace/filters.h"
#include "netfilter/run_state.h"
#include "plan/path_plan.h"
#include "plan/skb_layout.h"
#include "plan/sock_filter.h"
#include "plan/user_filter.h"
#include "run/sock_pipeline.h"

namespace ftnt {
namespace {

SockFilter sock_filter_of(const Options& o) {
    SockFilter f;
    f.packet = packet_filter_of(filter_flags_of(o));
    if (!o.tcp_state.empty()) {
        f.state = tcp_state_value(o.tcp_state);
        if (!f.state)
            throw UsageError("--tcp-state: '" + shown_value(o.tcp_state) +
                             "' is not a TCP state (TCP_ESTABLISHED, TCP_SYN_SENT, TCP_SYN_RECV, "
                             "TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE, "
                             "TCP_CLOSE_WAIT, TCP_LAST_ACK, TCP_LISTEN, TCP_CLOSING, "
                             "TCP_NEW_SYN_RECV)");
    }
    f.srtt_us = static_cast<uint64_t>(o.tcp_srtt_ms * 1000.0 + 0.5);
    f.rtt_us = static_cast<uint64_t>(o.tcp_rtt_ms * 1000.0 + 0.5);
    return f;
}

bool fetches(const PathProbe& probe, const std::string& name) {
    const std::string& args = probe.kprobe.fetchargs;
    return args.starts_with(name + "=") || args.find(" " + name + "=") != std::string::npos;
}

// Each point's kernel filter, and the fields its records show. --tcp-state keeps only the
// points that report state changes.
void shape_probes(PathPlan& plan, const SockFilter& filter, EventFormats& formats,
                  const std::string& tracefs) {
    std::vector<PathProbe> kept;
    for (auto& probe : plan.probes) {
        if (filter.state && !sock_point_changes_state(probe)) continue;
        std::function<bool(const std::string&)> has_field;
        tep_event* format = nullptr;
        if (probe.tracepoint) {
            auto colon = probe.name.find(':');
            // 5.10's tcp_probe declares saddr[sizeof(struct sockaddr_in6)]: a format the
            // strict reader refuses. That point is skipped, the others run.
            try {
                format = formats.load(tracefs, probe.name.substr(0, colon),
                                      probe.name.substr(colon + 1));
            } catch (const std::exception& error) {
                plan.skipped.push_back(probe.name + ": " + error.what());
                continue;
            }
            probe.extra_names = sock_tracepoint_fields();
            has_field = [format](const std::string& name) {
                return format && static_cast<bool>(FieldRef(format, name.c_str()));
            };
        } else {
            has_field = [&probe](const std::string& name) { return fetches(probe, name); };
        }
        probe.filter = sock_kernel_filter(probe, filter, has_field);
        kept.push_back(std::move(probe));
    }
    plan.probes = std::move(kept);
}

void refuse_what_this_kernel_cannot(const PathPlan& plan, const SockFilter& filter,
                                    uint32_t netns) {
    if (filter.rtt_us) {
        bool rtt = false;
        for (const auto& probe : plan.probes) rtt = rtt || fetches(probe, "rtt");
        if (!rtt)
            throw KernelError(
                "--tcp-rtt needs RTT samples, which only the kprobe on tcp_ack_update_rtt "
                "reads (a kernel with kprobes and BTF; no tracepoint carries one): use "
                "--tcp-srtt, which tcp:tcp_probe carries");
    }
    if (netns && !plan.kprobes)
        throw KernelError(
            "--netns: the socket tracepoints carry no network namespace, and the socket "
            "kprobes that read it need a kernel with kprobes and BTF: filter by address "
            "instead");
}

void say_sources(const PathPlan& plan) {
    std::string names;
    for (const auto& probe : plan.probes) names += (names.empty() ? "" : ", ") + probe.name;
    std::cerr << "ftnettrace: socket events from " << names << "\n";
    for (const auto& probe : plan.probes)
        if (!probe.filter.empty())
            std::cerr << "ftnettrace: in the kernel at " << probe.name << ": " << probe.filter
                      << "\n";
    if (!plan.kprobes)
        std::cerr << "ftnettrace: no socket kprobes here (they need kprobes and BTF): "
                     "tracepoints only\n";
    for (const auto& line : plan.skipped)
        if (plan.kprobes || !line.ends_with(": needs kprobes"))
            std::cerr << "ftnettrace: skipped " << line << "\n";
}

}  // namespace

int run_sock_mode(const Options& o) {
    // discover
    SockFilter filter = sock_filter_of(o);
    require_root();
    TracefsMount tracefs;
    auto features = read_tracefs_features(tracefs.path());
    uint32_t netns = o.netns_current   ? current_netns_inode()
                     : o.netns.empty() ? 0
                                       : netns_inode(o.netns);
    Catalog catalog = Catalog::load(o.catalog_dir);
    EventFormats formats;
    KernelOffsets offsets;
    if (features.kprobe_events) offsets = load_kernel_offsets(o.btf, o.vmlinux);
    auto functions = ProbeableFunctions::read(tracefs.path());

    // plan
    std::string group = dynamic_group_for_pid(::getpid());
    PathPlanInput in;
    in.catalog = &catalog;
    in.features = &features;
    in.types = offsets.types.get();
    in.layout = offsets.layout ? &*offsets.layout : nullptr;
    in.functions = &functions;
    // No packet filter for the plan: the socket kprobes would check -s/-d one way round;
    // sock_kernel_filter gives each point what its fields allow.
    in.selection =
        o.trace.empty() ? std::vector<std::string>{"sock"} : filters::split_list(o.trace);
    in.group = group;
    in.tracefs_events = tracefs.path() + "/events";
    in.join = "sock";
    PathPlan plan = plan_path(in);
    shape_probes(plan, filter, formats, tracefs.path());
    refuse_what_this_kernel_cannot(plan, filter, netns);
    say_sources(plan);

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance and the group of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    PathAttachment attachment(tracefs.path(), group, instance, formats, RingOptions{o.ring_pages});
    for (const auto& probe : plan.probes) attachment.attach(probe, "");
    for (const auto& line : attachment.skipped())
        std::cerr << "ftnettrace: skipped " << line << "\n";
    if (attachment.attached() == 0) throw KernelError("no socket point could be attached");

    // decode -> track -> output
    OutputSink sink(STDOUT_FILENO);
    auto output =
        make_output(o.output == OutputKind::Json ? OutputFormat::json : OutputFormat::text, sink,
                    {{o.wall_clock, measure_monotonic_to_realtime()}});
    SockPipeline pipeline({o.count, o.pid, netns}, filter, attachment, *output);

    // read
    RunLoop loop(stop, sink, {o.duration_seconds});
    attachment.reader().enable();
    std::cerr << "ftnettrace: tracing sockets; Ctrl-C to stop\n";
    loop.run(&attachment.reader(), {}, pipeline);
    auto end = finish_output(sink);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, " << pipeline.shown()
              << " socket events shown, " << attachment.reader().lost_total() << " lost, "
              << std::fixed << std::setprecision(2) << loop.seconds() << " s\n";
    return end.exit_code;
}

}  // namespace ftnt
