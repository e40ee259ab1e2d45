#include "modes/drop_mode.h"

#include <unistd.h>

#include <chrono>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>

#include "attach/trace_instance.h"
#include "core/errors.h"
#include "core/monotonic_clock.h"
#include "core/stop_signal.h"
#include "decode/address_namer.h"
#include "decode/inferred_reason.h"
#include "discover/kernel_env.h"
#include "discover/kernel_types.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "modes/drop_point_setup.h"
#include "netfilter/run_state.h"
#include "output/output.h"
#include "plan/drop_plan.h"
#include "plan/drop_point_plan.h"
#include "read/perf_record.h"
#include "track/comm_cache.h"
#include "track/drop_point_join.h"
#include "track/drop_summary.h"
#include "track/side_band.h"
#include "track/skb_tuple_join.h"
#include "track/summary_counters.h"

namespace ftnt {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The decode, track and output stages for the records of one run.
class DropPipeline {
  public:
    DropPipeline(const Options& options, const DropPlan& plan, const DropReasonTable& reasons,
                 DropDecoder decoder, AddressNamer& namer, OutputFormat& output, PerfReader& reader,
                 std::unique_ptr<SummaryCounters> counters, const DropPoint& point)
        : options_(options),
          plan_(plan),
          reasons_(reasons),
          decoder_(decoder),
          namer_(namer),
          output_(output),
          reader_(reader),
          counters_(std::move(counters)),
          point_(point) {
        if (point.format) point_decoder_.emplace(point.format, kDropWindowBefore);
    }

    void on_record(const OwnedRecord& record) {
        std::span<const uint8_t> bytes(record.bytes);
        if (handle_side_band(bytes, comms_, [&](const LostRecord& lost) {
                output_.lost(lost.cpu, lost.lost, lost.time);
            }))
            return;
        auto id = sample_identifier(bytes);
        const TracepointRequest* request = id ? reader_.request_of(*id) : nullptr;
        if (!request) return;
        auto sample = parse_sample(bytes, reader_.sample_type_of(*id));
        if (!sample || !reader_.accepts(*id, sample->time)) return;
        ++events_seen_;
        if (request->tracepoint_id == plan_.drop.tracepoint_id)
            on_drop(*sample);
        else if (point_decoder_ && request->tracepoint_id == point_.request.tracepoint_id)
            on_drop_point(*sample);
        else
            on_join(*request, *sample);
    }

    // Kernels without drop reasons: the table of reasons their drop locations stand for.
    void infer_reasons_from(InferredReasons table) { inferred_ = std::move(table); }

    uint64_t events_seen() const { return events_seen_; }
    uint64_t drops_shown() const { return drops_shown_; }
    // Sampled drops plus what the kernel counted for the pairs it counts.
    DropSummary summary() const {
        DropSummary merged = summary_;
        if (!counters_) return merged;
        for (const auto& [pair, count] : counters_->totals())
            merged.add(decoder_.has_reason() ? reasons_.name_of(pair.first) : "",
                       namer_.name(pair.second).location, count);
        return merged;
    }
    uint64_t drops_total() const { return summary().total(); }

  private:
    void on_join(const TracepointRequest& request, const Sample& sample) {
        for (std::size_t i = 0; i < plan_.joins.size(); ++i) {
            if (plan_.joins[i].tracepoint_id != request.tracepoint_id) continue;
            if (auto found = plan_.join_sources[i].decode(sample.raw))
                joins_.remember(found->skb, sample.time, found->tuple);
        }
    }

    void on_drop_point(const Sample& sample) {
        if (auto headers = point_decoder_->decode(sample.raw))
            point_joins_.remember(sample.time, *headers);
    }

    void on_drop(const Sample& sample) {
        DropEvent event;
        if (!decoder_.decode(sample.raw, event)) return;
        event.time_ns = sample.time;
        event.cpu = sample.cpu;
        event.pid = sample.pid;
        event.tid = sample.tid;
        if (point_decoder_) {
            if (auto headers = point_joins_.take(event.skb, sample.time)) {
                event.tuple = headers->tuple;
                event.mac = headers->mac;
            }
        } else {
            event.tuple = joins_.take(event.skb, sample.time);
        }
        if (!plan_.protocols.passes(event.protocol, event.tuple)) return;
        if (!plan_.tuple_filter.empty() &&
            !(event.tuple && plan_.tuple_filter.matches(to_facts(*event.tuple))))
            return;
        SummaryCounters::Pair pair{event.reason.value_or(0), event.location};
        if (counters_ && event.time_ns >= counters_->counted_since(pair)) return;
        if (options_.count && drops_shown_ >= options_.count) return;
        ++drops_shown_;
        std::optional<std::string> reason;
        if (event.reason) reason = reasons_.name_of(*event.reason);
        const NamedAddress& where =
            namer_.name(event.location, symbolize::AddressKind::return_address);
        if (options_.summary) {
            summary_.add(reason.value_or(""), where.location);
            if (counters_ && !counters_->counted(pair) && !counters_->full()) count_in_kernel(pair);
            return;
        }
        // (Not in --summary: its in-kernel counters key on the location alone.)
        bool inferred = !decoder_.has_reason() && infer_reason(where.location, reason);
        event.stack = sample.callchain;
        DropView view{&event,
                      comms_.name(event.tid, event.cpu),
                      ethertype_name(event.protocol),
                      reason,
                      where.location,
                      where.source,
                      {}};
        view.reason_inferred = inferred;
        view.stack = namer_.callchain(event.stack);
        output_.drop(view);
    }

    // Before 5.17: the reason the location stands for (drop-locations.def), if it names one.
    bool infer_reason(const std::string& location, std::optional<std::string>& reason) const {
        reason = inferred_.at(location);
        return reason.has_value();
    }

    // From now on `pair` is counted by the kernel; a new sampler that excludes it replaces the
    // current one. Samples the old one took after the switch began are not accepted, and the
    // counter's are not added twice: exact to within the microseconds a switch takes.
    void count_in_kernel(const SummaryCounters::Pair& pair) {
        uint64_t now = monotonic_now_ns();
        if (!counters_->count(pair, now)) return;
        TracepointRequest next = plan_.drop;
        next.filter = counters_->sampler_filter();
        try {
            std::size_t index = reader_.add(next);
            uint64_t switch_ns = monotonic_now_ns();
            reader_.enable_request(index);
            reader_.retire(sampler_, switch_ns);
            sampler_ = index;
        } catch (const KernelError&) {
            // The kernel refused the longer filter: the old sampler goes on, and so does the
            // counter, whose pair's samples are then skipped by time.
        }
    }

    const Options& options_;
    const DropPlan& plan_;
    const DropReasonTable& reasons_;
    DropDecoder decoder_;
    AddressNamer& namer_;
    OutputFormat& output_;
    PerfReader& reader_;
    std::unique_ptr<SummaryCounters> counters_;
    std::size_t sampler_ = 0;  // the request now sampling skb:kfree_skb
    SkbTupleJoin joins_;
    const DropPoint& point_;
    std::optional<DropPointDecoder> point_decoder_;
    DropPointJoin point_joins_;
    CommCache comms_;
    DropSummary summary_;
    InferredReasons inferred_;
    uint64_t events_seen_ = 0;
    uint64_t drops_shown_ = 0;
};

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

std::unique_ptr<OutputFormat> make_output(const Options& options, OutputSink& sink) {
    TimeFormat time{options.wall_clock, measure_monotonic_to_realtime()};
    if (options.output == OutputKind::Json) return make_json_output(sink, time);
    return make_text_output(sink, time);
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
    auto reasons = DropReasonTable::from_event(kfree_skb);
    try {
        reasons.set_subsystem_names(KernelTypes::load()->enum_values("skb_drop_reason_subsys"));
    } catch (const KernelError&) {
        // Without BTF a subsystem reason keeps its number: SUBSYS_<n>:<code>.
    }
    AddressNamer namer(symbolize::Kallsyms::load(), debug_info_options(options.vmlinux));

    // plan
    DropPlan plan = plan_drop(options, tracefs.path(), reasons, catalog, formats);

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    if (auto error = instance.set_filter("skb", "kfree_skb", plan.drop.filter); !error.empty())
        throw KernelError("the kernel refused the filter \"" + plan.drop.filter + "\": " + error);
    DropPoint point;
    if (plan.tuples_wanted) {
        point = setup_drop_point(options, tracefs.path(), features, reasons, formats, instance);
        if (point.event)
            use_drop_point(plan, point.function);
        else if (features.kprobe_events)
            plan.notices.push_back("tuples: no drop-point kprobe: " + point.why_not);
    }
    PerfReader reader(online_cpus(), RingOptions{options.ring_pages});
    reader.add(plan.drop);
    for (const auto& join : plan.joins) reader.add(join);
    if (point.event) reader.add(point.request);

    for (const auto& line : plan.notices) std::cerr << "ftnettrace: " << line << "\n";
    for (const auto& line : namer.status_lines()) std::cerr << "ftnettrace: " << line << "\n";
    OutputSink sink(STDOUT_FILENO);
    auto output = make_output(options, sink);
    // Counting in the kernel needs no user-space check of each drop: not with joined tuples.
    std::unique_ptr<SummaryCounters> counters;
    if (options.summary && plan.joins.empty() && !point.event)
        counters = std::make_unique<SummaryCounters>(online_cpus(), plan.drop.tracepoint_id,
                                                     plan.drop.filter, reasons.available());
    DropPipeline pipeline(options, plan, reasons, DropDecoder(kfree_skb), namer, *output, reader,
                          std::move(counters), point);
    if (!reasons.available()) pipeline.infer_reasons_from(InferredReasons::from_catalog(catalog));
    auto handle = [&](const OwnedRecord& record) { pipeline.on_record(record); };

    // read -> decode -> track -> output
    auto start = Clock::now();
    auto last_interval = start;
    reader.enable();
    std::cerr << "ftnettrace: tracing drops"
              << (plan.drop.filter.empty() ? "" : " where " + plan.drop.filter)
              << "; Ctrl-C to stop\n";
    while (!stop.requested()) {
        reader.poll(100, stop.wake_fd());
        reader.release(false, handle);
        output->flush();
        if (sink.stopped()) stop.request();
        if (options.count && pipeline.drops_shown() >= options.count) stop.request();
        if (options.duration_seconds > 0 && seconds_since(start) >= options.duration_seconds)
            stop.request();
        if (options.summary && options.interval_seconds > 0 &&
            std::chrono::duration<double>(Clock::now() - last_interval).count() >=
                options.interval_seconds) {
            last_interval = Clock::now();
            output->summary(pipeline.summary(), reader.lost_total(), seconds_since(start), false);
        }
    }
    reader.disable();
    reader.poll(0, -1);
    reader.release(true, handle);
    reader.settle_lost([&](int cpu, uint64_t lost) {
        output->lost(static_cast<uint32_t>(cpu), lost, monotonic_now_ns());
    });
    if (options.summary)
        output->summary(pipeline.summary(), reader.lost_total(), seconds_since(start), true);
    auto end = finish_output(sink);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, "
              << (options.summary ? pipeline.drops_total() : sink.shown()) << " drops shown, "
              << lost_line(reader) << ", " << std::fixed << std::setprecision(2)
              << seconds_since(start) << " s\n";
    return end.exit_code;
}

}  // namespace ftnt
