#include "modes/drop_mode.h"

#include <unistd.h>

#include <iomanip>
#include <iostream>
#include <sstream>

#include "attach/trace_instance.h"
#include "cli/run_options.h"
#include "core/errors.h"
#include "core/stop_signal.h"
#include "discover/kernel_env.h"
#include "discover/kernel_types.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "netfilter/run_state.h"
#include "output/pcapng_output.h"
#include "plan/drop_locations.h"
#include "run/drop_pipeline.h"

namespace ftnt {
namespace {

std::string lost_line(const PerfReader& reader) {
    std::ostringstream out;
    out << reader.lost_total() << " lost";
    if (reader.lost_total()) {
        out << " (";
        bool first = true;
        for (const auto& [cpu, lost] : reader.lost_by_cpu()) {
            if (!lost) continue;
            out << (first ? "" : ", ") << "cpu" << cpu << ": " << lost;
            first = false;
        }
        out << ")";
    }
    return out.str();
}

std::unique_ptr<Output> output_of(const Options& options, OutputSink& sink) {
    TimeFormat time{options.wall_clock, measure_monotonic_to_realtime()};
    return make_output(options.output == OutputKind::Json ? OutputFormat::json : OutputFormat::text,
                       sink, {time});
}

DropReasonTable reasons_of(tep_event* kfree_skb) {
    auto reasons = DropReasonTable::from_event(kfree_skb);
    try {
        reasons.set_subsystem_names(KernelTypes::load()->enum_values("skb_drop_reason_subsys"));
    } catch (const KernelError&) {
        // Without BTF a subsystem reason keeps its number: SUBSYS_<n>:<code>.
    }
    return reasons;
}

}  // namespace

int run_drop_mode(const Options& options) {
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
    std::optional<pcapng::File> pcapng_file;
    if (!options.pcapng_path.empty()) pcapng_file.emplace(options.pcapng_path);
    AddressNamer namer(symbolize::Kallsyms::load(), debug_info_options(options.vmlinux));

    // plan
    DropRunOptions drop_options = drop_run_options(options);
    DropPlan plan = plan_drop(drop_options, tracefs.path(), reasons, catalog, formats);

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    if (auto error = instance.set_filter("skb", "kfree_skb", plan.drop.filter); !error.empty())
        throw KernelError("the kernel refused the filter \"" + plan.drop.filter + "\": " + error);
    DropPoint point;
    if (plan.tuples_wanted) {
        point =
            setup_drop_point(drop_options, tracefs.path(), features, reasons, formats, instance);
        if (point.event)
            use_drop_point(plan, point.function);
        else if (features.kprobe_events)
            plan.notices.push_back("tuples: no drop-point kprobe: " + point.why_not);
    }
    DropAttachment attachment(std::move(point), RingOptions{options.ring_pages});
    PerfReader& reader = attachment.reader;
    reader.add(plan.drop);
    for (const auto& join : plan.joins) reader.add(join);
    if (attachment.point.event) reader.add(attachment.point.request);

    for (const auto& line : plan.notices) std::cerr << "ftnettrace: " << line << "\n";
    for (const auto& line : namer.status_lines()) std::cerr << "ftnettrace: " << line << "\n";
    if (pcapng_file && !attachment.point.event)
        std::cerr << "ftnettrace: "
                  << pcapng_without_bytes_line(options.pcapng_path,
                                               features.kprobe_events
                                                   ? "no drop-point kprobe, and skb:kfree_skb "
                                                     "carries no packet bytes"
                                                   : "no kprobe events in this kernel, and "
                                                     "skb:kfree_skb carries no packet bytes")
                  << "\n";

    // decode -> track -> output
    OutputSink sink(STDOUT_FILENO);
    PcapngOutput* pcapng = nullptr;
    auto output = with_pcapng(output_of(options, sink), pcapng_file,
                              {options.snaplen, measure_monotonic_to_realtime()}, pcapng);
    // Counting in the kernel needs no user-space check of each drop: not with joined tuples.
    std::unique_ptr<SummaryCounters> counters;
    if (options.summary && plan.joins.empty() && !attachment.point.event)
        counters = std::make_unique<SummaryCounters>(online_cpus(), plan.drop.tracepoint_id,
                                                     plan.drop.filter, reasons.available());
    DropPipeline pipeline({options.count, options.summary, options.interval_seconds}, plan, reasons,
                          DropDecoder(kfree_skb), namer, *output, attachment, std::move(counters));
    if (!reasons.available())
        pipeline.infer_reasons_from(InferredReasons(drop_location_reasons(catalog)));

    // read
    RunLoop loop(stop, sink, {options.duration_seconds});
    reader.enable();
    std::cerr << "ftnettrace: tracing drops"
              << (plan.drop.filter.empty() ? "" : " where " + plan.drop.filter)
              << "; Ctrl-C to stop\n";
    loop.run(&reader, {}, pipeline);
    if (options.summary)
        output->summary(pipeline.summary(), reader.lost_total(), loop.seconds(), true);
    auto end = finish_output(sink);
    if (pcapng) pcapng->finish(end);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, "
              << (options.summary ? pipeline.drops_total() : sink.shown()) << " drops shown, "
              << lost_line(reader) << ", " << std::fixed << std::setprecision(2) << loop.seconds()
              << " s\n";
    return end.exit_code;
}

}  // namespace ftnt
