#include "modes/path_mode.h"

#include <unistd.h>

#include <chrono>
#include <deque>
#include <iomanip>
#include <iostream>
#include <map>
#include <optional>

#include <event-parse.h>
#include "attach/dynamic_event.h"
#include "attach/trace_instance.h"
#include "core/errors.h"
#include "core/monotonic_clock.h"
#include "core/stop_signal.h"
#include "plan/user_filter.h"

#include "decode/address_namer.h"
#include "decode/drop_reasons.h"
#include "decode/inferred_reason.h"
#include "decode/path_event.h"
#include "decode/tcp_flags.h"
#include "discover/kernel_env.h"
#include "discover/netns.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "ftnettrace/filters.h"
#include "netfilter/firewall_trace.h"
#include "netfilter/namespace.h"
#include "netfilter/run_state.h"
#include "netfilter/step_output.h"
#include "output/path_output.h"
#include "plan/path_plan.h"
#include "read/perf_reader.h"
#include "read/perf_record.h"
#include "track/comm_cache.h"
#include "track/lifecycle.h"
#include "track/nft_drop.h"
#include "track/side_band.h"
#include "track/step_join.h"

namespace ftnt {
namespace {

using Clock = std::chrono::steady_clock;

// Where a kprobe point reads the netns from: skb->dev, else skb->sk (skns), or its socket
// argument (socket-only points).
enum class NetnsFrom { Device, DeviceOrSocket, Socket };

// devp/skp (the pointers) tell whether netns/skns were read: a fetcharg read through NULL
// keeps stale bytes (plan/fetchargs.cpp). An skb with neither device nor socket passes.
std::string netns_clause(const std::string& id, NetnsFrom from) {
    switch (from) {
        case NetnsFrom::Socket:
            return "netns == " + id;
        case NetnsFrom::DeviceOrSocket:
            return "(devp != 0 && netns == " + id +
                   ") || (devp == 0 && (skp == 0 || skns == " + id + "))";
        default:
            return "(devp != 0 && netns == " + id + ") || devp == 0";
    }
}

// Conditions every kprobe point can check on the fields it always fetches.
std::string common_kernel_filter(const Options& o, uint32_t netns, NetnsFrom from,
                                 bool has_len = true) {
    std::vector<std::string> clauses;
    if (netns) clauses.push_back(netns_clause(std::to_string(netns), from));
    if (!o.pkt_len.empty() && has_len) {
        auto dash = o.pkt_len.find('-');
        try {
            unsigned long low = std::stoul(o.pkt_len.substr(0, dash));
            unsigned long high =
                dash == std::string::npos ? low : std::stoul(o.pkt_len.substr(dash + 1));
            clauses.push_back("len >= " + std::to_string(low) +
                              " && len <= " + std::to_string(high));
        } catch (const std::exception&) {
            throw UsageError("--pkt-len: '" + o.pkt_len + "' is not N or N-M");
        }
    }
    return filters::all_of(clauses);
}

struct AttachedProbe {
    const PathProbe* probe = nullptr;
    std::unique_ptr<PathEventDecoder> decoder;
    std::string entry_func;  // for a kretprobe: the function it returns from
};

// The attach stage: dynamic events created, formats parsed, filters checked in the run's
// instance (which gives the kernel's own error text), perf events opened.
class PathAttachment {
  public:
    // `events` outlives `reader`: a kprobe event cannot be removed while a perf event of it is
    // open (EBUSY), so the caller declares the events first and they are destroyed last.
    PathAttachment(const std::string& tracefs, const std::string& group, TraceInstance& instance,
                   std::vector<std::unique_ptr<DynamicEvent>>& events, PerfReader& reader,
                   EventFormats& formats)
        : tracefs_(tracefs),
          group_(group),
          instance_(instance),
          events_(events),
          reader_(reader),
          formats_(formats) {}

    void attach(const PathProbe& probe, const std::string& extra_filter) {
        if (probe.tracepoint) {
            auto colon = probe.name.find(':');
            add(probe, probe.name.substr(0, colon), probe.name.substr(colon + 1), "", probe.name,
                false);
            return;
        }
        try {
            events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, probe.kprobe));
        } catch (const KernelError& error) {
            skipped.push_back(probe.name + ": " + error.what());
            return;
        }
        auto filter = filters::all_of({probe.filter, extra_filter});
        add(probe, group_, probe.kprobe.event, filter, probe.name, false);
        if (!probe.kretprobe) return;
        try {
            events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, *probe.kretprobe));
            add(probe, group_, probe.kretprobe->event, "", probe.name, true);
        } catch (const KernelError& error) {
            skipped.push_back(probe.name + " (return): " + error.what());
        }
    }

    const AttachedProbe* find(uint64_t tracepoint_id) const {
        auto it = by_id_.find(tracepoint_id);
        return it == by_id_.end() ? nullptr : &it->second;
    }
    std::size_t attached() const { return by_id_.size(); }
    std::vector<std::string> skipped;

  private:
    void add(const PathProbe& probe, const std::string& system, const std::string& event,
             const std::string& filter, const std::string& func, bool is_return) {
        tep_event* format = formats_.load(tracefs_, system, event);
        if (!format) {
            skipped.push_back(probe.name + ": no format in tracefs");
            return;
        }
        if (auto error = instance_.set_filter(system, event, filter); !error.empty())
            throw KernelError("the kernel refused the filter \"" + filter + "\" on " + probe.name +
                              ": " + error);
        instance_.set_filter(system, event, "");
        uint64_t id = static_cast<uint64_t>(format->id);
        reader_.add({system, event, id, filter, probe.stack});
        AttachedProbe attached;
        attached.probe = &probe;
        attached.decoder = std::make_unique<PathEventDecoder>(
            format, func, probe.layer, probe.extra_names, is_return ? "" : probe.lifecycle);
        attached.entry_func = is_return ? func : "";
        by_id_[id] = std::move(attached);
    }

    std::string tracefs_, group_;
    TraceInstance& instance_;
    std::vector<std::unique_ptr<DynamicEvent>>& events_;
    PerfReader& reader_;
    EventFormats& formats_;
    std::map<uint64_t, AttachedProbe> by_id_;
};

filters::TupleFacts facts_of(const PathEvent& e) {
    if (!e.packet) {
        filters::TupleFacts f;
        f.ethertype = e.ethertype;
        return f;
    }
    return to_facts(e.packet->tuple, e.ethertype);
}

uint8_t tcp_flag_bits(const std::string& letters) {
    uint8_t bits = 0;
    for (char c : letters) bits |= tcp_flag_bit(c).value_or(0);
    return bits;
}

// Decode, track and output for the records of one run.
class PathPipeline {
  public:
    PathPipeline(const Options& o, const filters::PacketFilter& filter, uint32_t netns,
                 bool kprobes, const PathAttachment& attachment, const PerfReader& reader,
                 const DropReasonTable& reasons, AddressNamer& namer, PathOutput& output)
        : o_(o),
          filter_(filter),
          netns_(netns),
          kprobes_(kprobes),
          attachment_(attachment),
          reader_(reader),
          reasons_(reasons),
          namer_(namer),
          output_(output),
          tracker_([this](Lifecycle& lifecycle) { finished(lifecycle); }),
          tcp_flags_(tcp_flag_bits(o.tcp_flags)) {}

    // Kernels without drop reasons: the table of reasons their drop locations stand for.
    void infer_reasons_from(InferredReasons table) { inferred_ = std::move(table); }

    void on_record(const OwnedRecord& record) {
        std::span<const uint8_t> bytes(record.bytes);
        if (handle_side_band(bytes, comms_, [&](const LostRecord& lost) {
                output_.notice_lost(lost.cpu, lost.lost, lost.time);
            }))
            return;
        auto id = sample_identifier(bytes);
        const TracepointRequest* request = id ? reader_.request_of(*id) : nullptr;
        const AttachedProbe* probe = request ? attachment_.find(request->tracepoint_id) : nullptr;
        if (!probe) return;
        auto sample = parse_sample(bytes, reader_.sample_type_of(*id));
        if (!sample) return;
        ++events_seen_;
        PathEvent event;
        if (!probe->decoder->decode(sample->raw, event)) return;
        event.time_ns = sample->time;
        event.cpu = sample->cpu;
        event.pid = sample->pid;
        event.tid = sample->tid;
        event.stack = sample->callchain;
        if (event.retval && !probe->entry_func.empty()) {
            on_return(event, probe->entry_func, probe->probe->lifecycle == "clone");
            return;
        }
        // A point without its own reason table (a kprobe's fetched reason): kfree_skb's names.
        if (event.reason_code && !event.reason) event.reason = reasons_.name_of(*event.reason_code);
        if (!reasons_.available() && event.func == "skb:kfree_skb") infer_reason(event);
        if (!event.skb) {  // a socket tracepoint (tcp_receive_reset, close()'s reset)
            show_socket_event(event);
            return;
        }
        bool matched = matches(event, *probe->probe);
        if (probe->probe->socket_only) {
            // A socket's event (tcp_send_active_reset) belongs to no packet: shown alone.
            if (matched && !limit_reached()) output_.event(view_of(event));
            return;
        }
        if (o_.basic) {
            bool followed = tracker_.is_followed(event.skb);
            tracker_.add(event, matched);
            if ((matched || followed) && !limit_reached() && !in_own_trace_table(event)) {
                ++shown_;
                output_.event(view_of(event));
            }
            return;
        }
        tracker_.add(std::move(event), matched);
    }

    void flush_idle() { tracker_.flush_idle(monotonic_now_ns(), 2'000'000'000ull); }
    void flush_all() { tracker_.flush_all(); }

    // --iptables-trace: steps wait in `join` for their packet; finished packets wait a
    // little for their steps (the kernel log and the trace socket are read after the ring).
    void join_firewall_steps(StepJoin& join, netfilter::StepOutput& alone) {
        join_ = &join;
        steps_alone_ = &alone;
    }
    void on_step(const netfilter::TraceStep& step) {
        if (o_.basic) {
            steps_alone_->step(step);
            return;
        }
        join_->add(step, monotonic_now_ns());
    }
    void release_waiting(bool all) {
        uint64_t now = monotonic_now_ns();
        while (!waiting_.empty() && (all || now > waiting_.front().last_ns() + kStepSettleNs)) {
            join_->take_for(waiting_.front());
            joined_steps_ += waiting_.front().firewall.size();
            show(waiting_.front());
            waiting_.pop_front();
        }
        for (const auto& step : join_->take_unjoined(all ? UINT64_MAX : now - kUnjoinedAfterNs))
            steps_alone_->step(step);
    }
    uint64_t joined_steps() const { return joined_steps_; }
    bool limit_reached() const { return o_.count && shown_ >= o_.count; }
    uint64_t events_seen() const { return events_seen_; }
    uint64_t shown() const { return shown_; }

  private:
    // Before 5.17: the reason a kfree_skb's location stands for (drop-locations.def).
    void infer_reason(PathEvent& event) {
        if (!event.location) return;
        event.reason = inferred_.at(namer_.name(event.location).location);
        event.reason_inferred = event.reason.has_value();
    }

    bool matches(const PathEvent& e, const PathProbe& probe) const {
        // Tracepoints only: nothing to filter on; a packet is followed from its first net:*
        // event (one seen only when freed tells nothing).
        // A free only ends a followed packet: it never starts one.
        if (e.frees_skb) return false;
        if (!kprobes_) return true;
        if (probe.tracepoint || probe.layer == filters::Layer::None)
            return filter_.empty() && user_checks_pass(e);
        if (netns_ && e.netns && e.netns != netns_) return false;
        if (!filter_.empty() && !(probe.exact_filter && !probe.filter.empty())) {
            if (!e.packet || !filter_.matches(facts_of(e))) return false;
        }
        return user_checks_pass(e);
    }

    // No packet to follow: shown alone, when its tuple (either way: it names a connection)
    // passes the filter. Its namespace is unknown, so --netns hides it.
    void show_socket_event(const PathEvent& e) {
        if (netns_ || limit_reached() || !user_checks_pass(e)) return;
        if (!filter_.empty()) {
            if (!e.packet) return;
            const auto& tuple = e.packet->tuple;
            if (!filter_.matches(to_facts(tuple)) && !filter_.matches(to_facts(tuple.reversed())))
                return;
        }
        ++shown_;
        output_.event(view_of(e));
    }

    bool user_checks_pass(const PathEvent& e) const {
        if (o_.pid && e.pid != o_.pid) return false;
        if (tcp_flags_ && (!e.packet || (e.packet->tcp_flags & tcp_flags_) != tcp_flags_))
            return false;
        if (o_.icmp_id >= 0 && (!e.packet || e.packet->icmp_type < 0 ||
                                e.packet->icmp_id != static_cast<uint16_t>(o_.icmp_id)))
            return false;
        return true;
    }

    void on_return(const PathEvent& event, const std::string& func, bool clones) {
        tracker_.returned(event.tid, func, *event.retval, clones);
        if (o_.basic && tracker_.is_followed_task(event.tid)) {
            PathEvent shown = event;
            shown.func = func + " returned";
            output_.event(view_of(shown));
        }
    }

    PathEventView view_of(const PathEvent& e) {
        PathEventView v;
        v.event = &e;
        v.comm = comms_.name(e.tid, e.cpu);
        if (e.location)
            v.location =
                namer_.name(e.location, symbolize::AddressKind::return_address).with_line();
        v.stack = namer_.callchain(e.stack);
        for (uint64_t function : hook_functions(e)) {
            const auto& location = namer_.name(function).location;
            v.hooks.push_back(location.substr(0, location.find('+')));
        }
        return v;
    }

    void finished(Lifecycle& lifecycle) {
        if (o_.basic) return;
        drop_own_trace_table(lifecycle);
        deduce_nft_drops(
            lifecycle,
            [this](uint64_t location) {
                return namer_.name(location).location.starts_with("nft_do_chain+");
            },
            join_ != nullptr);
        if (join_) {
            waiting_.push_back(lifecycle);
            return;
        }
        show(lifecycle);
    }

    void show(const Lifecycle& lifecycle) {
        double latency_ms = static_cast<double>(lifecycle.last_ns() - lifecycle.first_ns()) / 1e6;
        if (latency_ms < o_.min_latency_ms || limit_reached()) return;
        ++shown_;
        std::vector<PathEventView> views;
        for (const auto& e : lifecycle.events) views.push_back(view_of(e));
        output_.packet(lifecycle, views);
    }

    const Options& o_;
    const filters::PacketFilter& filter_;
    uint32_t netns_;
    bool kprobes_;
    const PathAttachment& attachment_;
    const PerfReader& reader_;
    const DropReasonTable& reasons_;
    InferredReasons inferred_;
    AddressNamer& namer_;
    PathOutput& output_;
    LifecycleTracker tracker_;
    CommCache comms_;
    uint8_t tcp_flags_;
    uint64_t events_seen_ = 0;
    uint64_t shown_ = 0;
    static constexpr uint64_t kStepSettleNs = 300'000'000;
    static constexpr uint64_t kUnjoinedAfterNs = 3'000'000'000ull;
    StepJoin* join_ = nullptr;
    netfilter::StepOutput* steps_alone_ = nullptr;
    std::deque<Lifecycle> waiting_;
    uint64_t joined_steps_ = 0;
};

}  // namespace

std::vector<std::string> split(const std::string& list) {
    return filters::split_list(list);
}

namespace {

std::string join(const std::vector<std::string>& items, const char* separator) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
    return out;
}

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

// --trace-stack names tracepoints too (skb:kfree_skb or kfree_skb): their samples carry the
// callchain like a kprobe's. Returns the names no planned point took a stack at.
std::vector<std::string> take_stacks_at_tracepoints(PathPlan& plan,
                                                    const std::vector<std::string>& names) {
    std::vector<std::string> unmatched;
    for (const auto& name : names) {
        bool taken = false;
        for (auto& probe : plan.probes) {
            auto colon = probe.name.find(':');
            bool named = probe.name == name ||
                         (colon != std::string::npos && probe.name.substr(colon + 1) == name);
            if (!named) continue;
            probe.stack = true;
            taken = true;
        }
        if (!taken) unmatched.push_back(name);
    }
    return unmatched;
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

int run_path_mode(const Options& o) {
    // discover
    require_root();
    TracefsMount tracefs;
    auto features = read_tracefs_features(tracefs.path());
    auto filter = packet_filter_of(o);
    uint32_t netns = o.netns_current   ? current_netns_inode()
                     : o.netns.empty() ? 0
                                       : netns_inode(o.netns);
    Catalog catalog = Catalog::load(o.catalog_dir);
    auto [types, layout, offsets_error] = load_kernel_offsets(o.btf, o.vmlinux);
    if (features.kprobe_events && !layout)
        throw KernelError("struct offsets for kprobe fetchargs: " + offsets_error);
    auto functions = ProbeableFunctions::read(tracefs.path());
    EventFormats formats;
    tep_event* kfree_skb = formats.load(tracefs.path(), "skb", "kfree_skb");
    auto reasons = DropReasonTable::from_event(kfree_skb);
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
    in.selection = split(o.trace);
    in.stack_at = split(o.trace_stack);
    in.returns = o.returns;
    in.hooks = o.hooks;
    in.adhoc = parse_adhoc_probes(o.kprobes, o.kretprobes);
    in.group = group;
    in.tracefs_events = tracefs.path() + "/events";
    refuse_adhoc_probes_without_kprobes(o, features);
    PathPlan plan = plan_path(in);
    auto stackless = take_stacks_at_tracepoints(plan, in.stack_at);
    if (!plan.kprobes)
        std::cerr << "ftnettrace: kprobes: this kernel has no kprobe_events (CONFIG_KPROBES is "
                     "off): following packets by skb address on tracepoints only (net:*, skb:*), "
                     "without function path, tuple or filter"
                  << ignored_without_kprobes(o, stackless)
                  << "; a kernel with kprobes shows the whole path, --drop shows drops here\n";
    else if (!stackless.empty())
        std::cerr << "ftnettrace: --trace-stack " << join(stackless, ",")
                  << ": not a traced point here, no stack taken\n";
    if (plan.probes.empty()) throw KernelError("none of the selected probe points exists here");

    // attach
    StopSignal stop;
    // Locked for the run's life: --cleanup leaves the instance and the group of a live run.
    netfilter::RunState run_state(static_cast<int>(::getpid()));
    TraceInstance instance(tracefs.path(), instance_name_for_pid(::getpid()));
    std::vector<std::unique_ptr<DynamicEvent>> dynamic_events;
    PerfReader reader(online_cpus(), RingOptions{o.ring_pages});
    PathAttachment attachment(tracefs.path(), group, instance, dynamic_events, reader, formats);
    auto extra = common_kernel_filter(
        o, netns, layout && layout->sk_net ? NetnsFrom::DeviceOrSocket : NetnsFrom::Device);
    auto socket_extra = common_kernel_filter(o, netns, NetnsFrom::Socket, false);
    for (const auto& probe : plan.probes)
        attachment.attach(probe, probe.tracepoint ? "" : probe.socket_only ? socket_extra : extra);
    if (plan.kprobes)
        for (const auto& line : plan.skipped) std::cerr << "ftnettrace: skipped " << line << "\n";
    for (const auto& line : attachment.skipped) std::cerr << "ftnettrace: skipped " << line << "\n";
    if (attachment.attached() == 0) throw KernelError("no probe point could be attached");
    for (const auto& line : namer.status_lines()) std::cerr << "ftnettrace: " << line << "\n";

    PathOutputOptions output_options{{o.wall_clock, measure_monotonic_to_realtime()}, o.detail};
    OutputSink sink(STDOUT_FILENO);
    auto output = o.output == OutputKind::Json ? make_path_json_output(sink, output_options)
                                               : make_path_text_output(sink, output_options);
    PathPipeline pipeline(o, filter, netns, plan.kprobes, attachment, reader, reasons, namer,
                          *output);
    if (!reasons.available()) pipeline.infer_reasons_from(InferredReasons::from_catalog(catalog));
    auto handle = [&](const OwnedRecord& record) { pipeline.on_record(record); };
    bool firewall_wanted = o.iptables_trace || o.log_invalid;
    std::unique_ptr<netfilter::StepOutput> steps_alone;
    StepJoin join;
    if (firewall_wanted) {
        steps_alone = o.output == OutputKind::Json
                          ? netfilter::make_step_json_output(sink, output_options.time, false)
                          : netfilter::make_step_text_output(sink, output_options.time, false);
        pipeline.join_firewall_steps(join, *steps_alone);
    }
    auto on_step = [&](const netfilter::TraceStep& step) { pipeline.on_step(step); };
    auto on_invalid = [&](const netfilter::InvalidEvent& event) { steps_alone->invalid(event); };

    // read -> decode -> track -> output
    auto start = Clock::now();
    auto last_flush = start;
    reader.enable();
    // Rules after the probes: every traced packet has its path.
    std::optional<netfilter::FirewallTrace> firewall;
    if (firewall_wanted) firewall.emplace(run_state, o, filter, netfilter::resolve_netns(o.netns));
    std::cerr << "ftnettrace: tracing packets at " << attachment.attached() << " probe points"
              << (filter.empty() ? "" : " with the filter in the kernel where the point allows")
              << (firewall ? "; firewall steps joined to them: " + firewall->description() : "")
              << "; Ctrl-C to stop\n";
    while (!stop.requested()) {
        reader.poll(100, stop.wake_fd());
        reader.release(false, handle);
        if (firewall) {
            firewall->drain(on_step, on_invalid);
            pipeline.release_waiting(false);
        }
        output->flush();
        if (sink.stopped()) stop.request();
        if (Clock::now() - last_flush > std::chrono::seconds(1)) {
            last_flush = Clock::now();
            pipeline.flush_idle();
        }
        if (pipeline.limit_reached()) stop.request();
        if (o.duration_seconds > 0 &&
            std::chrono::duration<double>(Clock::now() - start).count() >= o.duration_seconds)
            stop.request();
    }
    reader.disable();
    reader.poll(0, -1);
    reader.release(true, handle);
    pipeline.flush_all();
    if (firewall) {
        firewall->drain(on_step, on_invalid);
        pipeline.release_waiting(true);
    }
    reader.settle_lost([&](int cpu, uint64_t lost) {
        output->notice_lost(static_cast<uint32_t>(cpu), lost, monotonic_now_ns());
    });
    auto end = finish_output(sink);
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << pipeline.events_seen() << " events seen, " << sink.shown()
              << (o.basic ? " events" : " packets") << " shown, " << reader.lost_total()
              << " lost, " << std::fixed << std::setprecision(2)
              << std::chrono::duration<double>(Clock::now() - start).count() << " s\n";
    if (firewall) {
        auto c = firewall->counts();
        std::cerr << "ftnettrace: " << c.steps << " firewall steps (" << pipeline.joined_steps()
                  << " joined to packets), " << c.invalid << " invalid packets, " << c.kmsg_lost
                  << " kernel log records lost, " << c.netlink_overruns
                  << " trace socket overruns, " << c.rules << " rules and " << c.tables
                  << " tables removed\n";
    }
    return end.exit_code;
}

}  // namespace ftnt
