#include "modes/path_mode.h"

#include <event-parse.h>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <optional>
#include <set>

#include "attach/trace_instance.h"
#include "cli/run_options.h"
#include "core/errors.h"
#include "core/monotonic_clock.h"
#include "core/stop_signal.h"
#include "core/tcp_flags.h"
#include "discover/kernel_env.h"
#include "discover/netns.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "ftnettrace/filters.h"
#include "judge/judge.h"
#include "modes/path_messages.h"
#include "netfilter/namespace.h"
#include "netfilter/run_state.h"
#include "output/pcapng_output.h"
#include "plan/drop_locations.h"
#include "plan/follow_plan.h"
#include "plan/kernel_filter.h"
#include "plan/stack_points.h"
#include "plan/user_filter.h"
#include "run/path_pipeline.h"

namespace ftnt {
namespace {

// The table points this run traces with their return, by each hook function whose verdict is
// theirs (the point itself and the catalog's verdict_of_hooks): what a drop's blame can see.
VerdictPoints verdict_points_of(const PathPlan& plan, const Catalog& catalog) {
    VerdictPoints points;
    for (const auto& probe : plan.probes) {
        if (!probe.kretprobe ||
            (probe.decode != DecodeAs::XtTable && probe.decode != DecodeAs::NftChain))
            continue;
        points[probe.name] = probe.name;
        for (const auto& entry : catalog.entries())
            if (entry.kind == "kprobe" && entry.name == probe.name)
                for (const auto& hook : entry.verdict_of_hooks) points[hook] = probe.name;
    }
    return points;
}

}  // namespace

int run_path_mode(const Options& o) {
    // discover
    require_root();
    TracefsMount tracefs;
    auto features = read_tracefs_features(tracefs.path());
    auto filter = packet_filter_of(filter_flags_of(o));
    uint32_t netns = o.netns_current   ? current_netns_inode()
                     : o.netns.empty() ? 0
                                       : netns_inode(o.netns);
    Catalog catalog = Catalog::load(o.catalog_dir);
    // --diag: the rules are checked before anything is attached (a bad file exits 2).
    std::optional<RuleBase> rules;
    if (o.diag) rules = RuleBase::load(o.rules_dir);
    auto [types, layout, offsets_error] = load_kernel_offsets(o.btf, o.vmlinux);
    if (features.kprobe_events && !layout)
        throw KernelError("struct offsets for kprobe fetchargs: " + offsets_error);
    auto functions = ProbeableFunctions::read(tracefs.path());
    EventFormats formats;
    tep_event* kfree_skb = formats.load(tracefs.path(), "skb", "kfree_skb");
    auto reasons = DropReasonTable::from_event(kfree_skb);
    std::optional<pcapng::File> pcapng_file;
    if (!o.pcapng_path.empty()) pcapng_file.emplace(o.pcapng_path);
    AddressNamer namer(symbolize::Kallsyms::load(), debug_info_options(o.vmlinux));

    // plan
    std::string group = dynamic_group_for_pid(::getpid());
    PathPlanInput in;
    in.catalog = &catalog;
    in.features = &features;
    in.types = types.get();
    in.layout = layout ? &*layout : nullptr;
    in.functions = &functions;
    in.filter = filter;
    in.selection = filters::split_list(o.trace);
    in.stack_at = filters::split_list(o.trace_stack);
    in.returns = o.returns;
    in.hooks = o.hooks;
    in.adhoc = parse_adhoc_probes(o.kprobes, o.kretprobes);
    in.group = group;
    in.tracefs_events = tracefs.path() + "/events";
    refuse_adhoc_probes_without_kprobes(o, features);
    PathPlan plan = plan_path(in);
    say_plan(o, plan, take_stacks_at_tracepoints(plan, in.stack_at));
    if (plan.probes.empty()) throw KernelError("none of the selected probe points exists here");
    auto extra = common_kernel_filter(
        {netns, layout && layout->sk_net ? NetnsFrom::DeviceOrSocket : NetnsFrom::Device, o.pkt_len,
         true});
    auto socket_extra = common_kernel_filter({netns, NetnsFrom::Socket, o.pkt_len, false});

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance and the group of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    PathAttachment attachment(tracefs.path(), group, instance, formats, RingOptions{o.ring_pages});
    if (plan.kprobes && o.follow_in_kernel)
        attachment.follow_in_kernel(follow_plan_of(features, plan, group, extra, kfree_skb));
    for (const auto& probe : plan.probes)
        attachment.attach(probe, probe.tracepoint ? "" : probe.socket_only ? socket_extra : extra);
    say_following(features, plan, attachment.arm_following(),
                  filter.empty() || !o.follow_in_kernel);
    if (plan.kprobes)
        for (const auto& line : plan.skipped) std::cerr << "ftnettrace: skipped " << line << "\n";
    for (const auto& line : attachment.skipped())
        std::cerr << "ftnettrace: skipped " << line << "\n";
    if (attachment.attached() == 0) throw KernelError("no probe point could be attached");
    for (const auto& line : namer.status_lines()) std::cerr << "ftnettrace: " << line << "\n";

    if (pcapng_file && !plan.kprobes)
        std::cerr << "ftnettrace: "
                  << pcapng_without_bytes_line(o.pcapng_path,
                                               "no kprobe events in this kernel, and its "
                                               "tracepoints carry no packet bytes")
                  << "\n";

    // decode -> track -> output
    OutputSink sink(STDOUT_FILENO);
    // Steps of no packet are shown beside the packets: only packets count as shown.
    int64_t realtime_offset = measure_monotonic_to_realtime();
    PcapngOutput* pcapng = nullptr;
    auto output = with_pcapng(
        make_output(o.output == OutputKind::Json ? OutputFormat::json : OutputFormat::text, sink,
                    {{o.wall_clock, realtime_offset}, o.detail, false}),
        pcapng_file, {o.snaplen, realtime_offset}, pcapng);
    PathMatch match(filter, netns, plan.kprobes, user_checks_of(o));
    PathPipeline pipeline({o.basic, o.count, o.min_latency_ms}, match, attachment, reasons, namer,
                          *output);
    if (!reasons.available())
        pipeline.infer_reasons_from(InferredReasons(drop_location_reasons(catalog)));
    pipeline.read_keys(PathKeys::from_catalog(catalog));
    if (attachment.ring()) pipeline.read_followed_frees(*attachment.ring());
    std::optional<Judge> judge;
    if (rules) {
        std::set<std::string> reply_points;
        for (const auto* entry : catalog.with("addresses", "reply"))
            reply_points.insert(entry->name);
        judge.emplace(*rules, namer, std::move(reply_points));
        judge->blame_hooks_with(verdict_points_of(plan, catalog));
        pipeline.judge_with(*judge, {o.diag_quiet, o.diag_keep});
        say_idle_rules(*judge, plan, features.kprobe_events);
    }

    // read
    RunLoop loop(stop, sink, {o.duration_seconds});
    attachment.reader().enable();
    // Rules after the probes: every traced packet has its path.
    std::optional<netfilter::FirewallTrace> firewall;
    if (o.iptables_trace || o.log_invalid) {
        firewall.emplace(run_state, firewall_options(o), filter, netfilter::resolve_netns(o.netns));
        pipeline.join_firewall_steps(*firewall);
    }
    std::cerr << "ftnettrace: tracing packets at " << attachment.attached() << " probe points"
              << (filter.empty() ? "" : " with the filter in the kernel where the point allows")
              << (firewall ? "; firewall steps joined to them: " + firewall->description() : "")
              << "; Ctrl-C to stop\n";
    loop.run(&attachment.reader(), {}, pipeline);
    auto end = finish_output(sink);
    if (pcapng) pcapng->finish(end);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    say_end(o, pipeline, sink, attachment, loop.seconds(), firewall);
    return end.exit_code;
}

}  // namespace ftnt
