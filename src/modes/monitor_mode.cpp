#include "modes/monitor_mode.h"

#include <event-parse.h>
#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <optional>

#include "attach/trace_instance.h"
#include "cli/run_options.h"
#include "core/errors.h"
#include "core/stop_signal.h"
#include "discover/kernel_env.h"
#include "discover/kernel_types.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "netfilter/run_state.h"
#include "plan/drop_locations.h"
#include "plan/netfilter_drop_plan.h"
#include "plan/skb_layout.h"
#include "run/drop_pipeline.h"
#include "run/monitor_stages.h"

namespace ftnt {
namespace {

constexpr double kDefaultInterval = 15;

DropReasonTable reasons_of(tep_event* kfree_skb) {
    auto reasons = DropReasonTable::from_event(kfree_skb);
    try {
        reasons.set_subsystem_names(KernelTypes::load()->enum_values("skb_drop_reason_subsys"));
    } catch (const KernelError&) {
        // Without BTF a subsystem reason keeps its number: SUBSYS_<n>:<code>.
    }
    return reasons;
}

// A tracepoint counted in the kernel, or null with one line saying what is missing.
std::unique_ptr<TracepointCounter> counter_for(EventFormats& formats, const std::string& tracefs,
                                               const char* system, const char* event) {
    tep_event* format = formats.load(tracefs, system, event);
    std::string name = std::string(system) + ":" + event;
    if (!format) {
        std::cerr << "ftnettrace: " << name
                  << " is missing in this kernel (4.15+): its metric is not written\n";
        return nullptr;
    }
    try {
        return std::make_unique<TracepointCounter>(online_cpus(),
                                                   static_cast<uint64_t>(format->id));
    } catch (const KernelError& error) {
        std::cerr << "ftnettrace: " << name << " cannot be counted: " << error.what() << "\n";
        return nullptr;
    }
}

// Netfilter drops by table and chain: kretprobes with hist triggers, where the kernel has both
// (and reads arguments in a return probe, 6.9+); else null, with one line saying why.
std::unique_ptr<HistNetfilterDrops> netfilter_counts(const Options& options,
                                                     const TracefsFeatures& features,
                                                     const std::string& tracefs,
                                                     const TraceInstance& instance,
                                                     const Catalog& catalog) {
    const char* not_counted =
        "ftnettrace: netfilter drops by table: not counted (they count in ftnettrace_drops_total "
        "under NETFILTER_DROP): ";
    if (!features.kprobe_events || !features.hist_triggers) {
        std::cerr << not_counted << "the kernel has no "
                  << (features.kprobe_events ? "hist triggers (CONFIG_HIST_TRIGGERS)"
                                             : "kprobe_events (CONFIG_KPROBE_EVENTS)")
                  << "\n";
        return nullptr;
    }
    auto offsets = load_kernel_offsets(options.btf, options.vmlinux);
    auto plan =
        plan_netfilter_drops(catalog, ProbeableFunctions::read(tracefs), offsets.types.get());
    auto counts = std::make_unique<HistNetfilterDrops>(tracefs, instance.dir(),
                                                       dynamic_group_for_pid(::getpid()), plan);
    auto lines = plan.skipped;
    lines.insert(lines.end(), counts->notes().begin(), counts->notes().end());
    if (!counts->counting()) {
        std::cerr << not_counted;
        for (std::size_t i = 0; i < lines.size(); ++i) std::cerr << (i ? "; " : "") << lines[i];
        std::cerr << (counts->notes().empty() ? "" : " (a return probe reads arguments since 6.9)")
                  << "\n";
        return nullptr;
    }
    for (const auto& line : lines) std::cerr << "ftnettrace: netfilter drops: " << line << "\n";
    return counts;
}

}  // namespace

int run_monitor_mode(const Options& options) {
    // Bad flag values first, before root is checked.
    std::optional<ListenAddress> listen;
    if (!options.metrics_listen.empty()) listen = parse_listen_address(options.metrics_listen);
    std::unique_ptr<MetricsFile> file;
    if (!options.metrics_file.empty()) file = std::make_unique<MetricsFile>(options.metrics_file);
    if (!listen && !file)
        throw UsageError("--monitor needs --metrics-file PATH or --metrics-listen ADDR:PORT");

    // discover
    require_root();
    TracefsMount tracefs;
    auto features = read_tracefs_features(tracefs.path());
    if (!features.instances)
        throw KernelError("tracefs has no instances directory (kernel older than 3.10)");
    Catalog catalog = Catalog::load(options.catalog_dir);
    EventFormats formats;
    tep_event* kfree_skb = formats.load(tracefs.path(), "skb", "kfree_skb");
    if (!kfree_skb)
        throw KernelError(
            "the skb:kfree_skb tracepoint is missing (kernel without "
            "CONFIG_TRACEPOINTS or CONFIG_NET)");
    auto reasons = reasons_of(kfree_skb);
    AddressNamer namer(symbolize::Kallsyms::load(), debug_info_options(options.vmlinux));

    // plan: the drop plan of --summary (no tuples, so every pair can be counted in the kernel)
    Options summary_options = options;
    summary_options.summary = true;
    DropRunOptions drop_options = drop_run_options(summary_options);
    DropPlan plan = plan_drop(drop_options, tracefs.path(), reasons, catalog, formats);

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    if (auto error = instance.set_filter("skb", "kfree_skb", plan.drop.filter); !error.empty())
        throw KernelError("the kernel refused the filter \"" + plan.drop.filter + "\": " + error);
    std::unique_ptr<HistDropCounts> hist;
    if (features.hist_triggers) {
        try {
            hist = std::make_unique<HistDropCounts>(tracefs.path(), instance.dir(),
                                                    DropDecoder(kfree_skb).has_reason(),
                                                    plan.drop.filter, reasons, namer);
        } catch (const KernelError& error) {
            std::cerr << "ftnettrace: drops: no hist trigger (" << error.what()
                      << "): counted by perf events instead\n";
        }
    }
    auto netfilter = netfilter_counts(options, features, tracefs.path(), instance, catalog);
    DropAttachment attachment(DropPoint{}, RingOptions{options.ring_pages});
    PerfReader& reader = attachment.reader;
    if (!hist) {
        reader.add(plan.drop);
        for (const auto& join : plan.joins) reader.add(join);
    }
    TcpCounters tcp;
    tcp.resets_sent = counter_for(formats, tracefs.path(), "tcp", "tcp_send_reset");
    tcp.resets_received = counter_for(formats, tracefs.path(), "tcp", "tcp_receive_reset");
    tcp.retransmits = counter_for(formats, tracefs.path(), "tcp", "tcp_retransmit_skb");
    std::unique_ptr<MetricsServer> server;
    if (listen) server = std::make_unique<MetricsServer>(*listen);

    for (const auto& line : plan.notices) std::cerr << "ftnettrace: " << line << "\n";
    for (const auto& line : namer.status_lines()) std::cerr << "ftnettrace: " << line << "\n";

    // decode -> track -> output
    OutputSink sink(STDOUT_FILENO);
    auto output = make_output(OutputFormat::text, sink,
                              {{options.wall_clock, measure_monotonic_to_realtime()}});
    std::unique_ptr<SummaryCounters> counters;
    if (!hist && plan.joins.empty())
        counters =
            std::make_unique<SummaryCounters>(online_cpus(), plan.drop.tracepoint_id,
                                              plan.drop.filter, reasons.available(), 32, true);
    DropPipelineOptions pipeline_options{0, true, 0};
    pipeline_options.by_protocol = true;
    DropPipeline pipeline(pipeline_options, plan, reasons, DropDecoder(kfree_skb), namer, *output,
                          attachment, std::move(counters));
    double interval = options.interval_seconds > 0 ? options.interval_seconds : kDefaultInterval;
    InferredReasons inferred;
    if (!reasons.available()) inferred = InferredReasons(drop_location_reasons(catalog));
    MonitorStages stages(pipeline, {hist.get(), netfilter.get()}, tcp, reader,
                         {file.get(), server.get(), interval}, std::move(inferred));

    // read
    RunLoop loop(stop, sink, {options.duration_seconds});
    std::cerr << "ftnettrace: drops counted by "
              << (hist ? "a hist trigger on skb:kfree_skb (reason, location, protocol)"
                       : "perf events on skb:kfree_skb, one counter per reason, location and "
                         "protocol once seen")
              << "; resets and retransmits by counting perf events";
    if (netfilter)
        std::cerr << "; netfilter drops by table and chain by hist triggers on the returns of "
                  << netfilter->functions();
    std::cerr << "\n";
    if (!hist) reader.enable();
    std::cerr << "ftnettrace: tracing drops, resets and retransmits for metrics";
    if (server) std::cerr << " on http://" << server->bound() << "/metrics";
    if (file) std::cerr << (server ? " and" : "") << " in " << options.metrics_file;
    std::cerr << "; Ctrl-C to stop\n";
    loop.run(hist ? nullptr : &reader, {}, stages);
    stages.finish();
    auto end = finish_output(sink);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, "
              << pipeline.drops_total() << " drops counted in " << stages.drop_series()
              << " series, " << reader.lost_total() << " lost, " << std::fixed
              << std::setprecision(2) << loop.seconds() << " s\n";
    return end.exit_code;
}

}  // namespace ftnt
