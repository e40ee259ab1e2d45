#include "run/path_pipeline.h"

#include <cstring>
#include <optional>

#include "attach/perf_event.h"
#include "core/monotonic_clock.h"
#include "track/nft_drop.h"
#include "track/side_band.h"

namespace ftnt {

PathPipeline::PathPipeline(PathPipelineOptions options, const PathMatch& match,
                           const PathAttachment& attachment, const DropReasonTable& reasons,
                           AddressNamer& namer, Output& output)
    : options_(options),
      match_(match),
      attachment_(attachment),
      reasons_(reasons),
      namer_(namer),
      output_(output),
      tracker_([this](Lifecycle& lifecycle) { finished(lifecycle); }) {}

void PathPipeline::before_release(uint64_t watermark, bool last) {
    if (!ring_) return;
    read_ring();
    ring_watermark_ = last ? UINT64_MAX : watermark;
}

void PathPipeline::on_record(const OwnedRecord& record) {
    release_ring_until(record.time);
    std::span<const uint8_t> bytes(record.bytes);
    if (handle_side_band(bytes, default_sample_type(), comms_, [&](const LostRecord& lost) {
            output_.lost(lost.cpu, lost.lost, lost.time);
        }))
        return;
    auto attached = attachment_.sample_of(bytes);
    if (!attached) return;
    ++events_seen_;
    PathEvent event;
    if (!decode_attached(*attached, event)) return;
    on_event(std::move(event), *attached->probe);
}

void PathPipeline::on_event(PathEvent event, const AttachedProbe& probe) {
    if (event.retval && !probe.entry_func.empty()) {
        on_return(event, probe.entry_func, probe.probe->lifecycle == "clone");
        return;
    }
    // A point without its own reason table (a kprobe's fetched reason): kfree_skb's names.
    if (event.reason_code && !event.reason) event.reason = reasons_.name_of(*event.reason_code);
    if (!reasons_.available() && keys_.infers_reason(event.func)) infer_reason(event);
    if (!event.skb) {  // a socket tracepoint (tcp_receive_reset, close()'s reset)
        if (!limit_reached() && match_.socket_event_passes(event)) show_alone(event);
        return;
    }
    bool matched = match_.matches(event, *probe.probe);
    if (probe.probe->socket_only) {
        // A socket's event (tcp_send_active_reset) belongs to no packet: shown alone.
        if (matched && !limit_reached()) output_.path_event(naming_.view_of(event));
        return;
    }
    if (options_.basic) {
        bool followed = tracker_.is_followed(event.skb);
        tracker_.add(event, matched);
        if ((matched || followed) && !limit_reached() && !in_own_trace_table(event))
            show_alone(event);
        return;
    }
    tracker_.add(std::move(event), matched);
}

void PathPipeline::after_read(bool last) {
    // Every perf record up to the watermark is out: the ring's up to it follow.
    release_ring_until(ring_watermark_);
    if (last) tracker_.flush_all();
    if (!firewall_) return;
    firewall_->drain([this](const netfilter::TraceStep& step) { on_step(step); },
                     [this](const netfilter::InvalidEvent& event) { output_.invalid(event); });
    release_waiting(last);
}

void PathPipeline::read_ring() {
    ring_->read(
        [this](RingEvent& record) {
            if (record.raw.size() < 8) return;
            uint16_t type = static_cast<uint16_t>(record.raw[0] | record.raw[1] << 8);
            const AttachedProbe* probe = attachment_.find_followed(type);
            if (!probe) return;
            ++events_seen_;
            PathEvent event;
            if (!probe->decoder->decode(record.raw, event)) return;
            if (probe->clone_offset >= 0 &&
                record.raw.size() >= static_cast<std::size_t>(probe->clone_offset) + 8) {
                uint64_t clone = 0;
                std::memcpy(&clone, record.raw.data() + probe->clone_offset, sizeof clone);
                event.retval = static_cast<int64_t>(clone);
            }
            event.time_ns = record.time;
            event.cpu = record.cpu;
            int32_t pid = 0;
            std::memcpy(&pid, record.raw.data() + 4, sizeof pid);
            event.pid = event.tid = static_cast<uint32_t>(pid);
            ring_waiting_.emplace(event.time_ns, std::make_pair(std::move(event), probe));
        },
        [this](int cpu, uint64_t lost) {
            output_.lost(static_cast<uint32_t>(cpu), lost, monotonic_now_ns());
        });
}

void PathPipeline::release_ring_until(uint64_t time_ns) {
    while (!ring_waiting_.empty() && ring_waiting_.begin()->first <= time_ns) {
        auto [event, probe] = std::move(ring_waiting_.begin()->second);
        ring_waiting_.erase(ring_waiting_.begin());
        if (probe->clone_offset >= 0) {  // skb_clone of a followed skb: its entry, its return
            PathEvent entry = event;
            entry.retval.reset();
            on_event(std::move(entry), *probe);
            if (event.retval) on_return(event, probe->entry_func, true);
            continue;
        }
        on_event(std::move(event), *probe);
    }
}

void PathPipeline::tick(double seconds) {
    if (seconds - last_idle_flush_ <= 1) return;
    last_idle_flush_ = seconds;
    tracker_.flush_idle(monotonic_now_ns(), 2'000'000'000ull);
}

void PathPipeline::unreported_lost(uint32_t cpu, uint64_t lost) {
    output_.lost(cpu, lost, monotonic_now_ns());
}

void PathPipeline::on_step(const netfilter::TraceStep& step) {
    if (options_.basic) {
        output_.step(step);
        return;
    }
    join_.add(step, monotonic_now_ns());
}

void PathPipeline::release_waiting(bool all) {
    uint64_t now = monotonic_now_ns();
    while (!waiting_.empty() && (all || now > waiting_.front().last_ns() + kStepSettleNs)) {
        join_.take_for(waiting_.front());
        joined_steps_ += waiting_.front().firewall.size();
        show(waiting_.front());
        waiting_.pop_front();
    }
    for (const auto& step : join_.take_unjoined(all ? UINT64_MAX : now - kUnjoinedAfterNs))
        output_.step(step);
}

// Before 5.17: the reason a free's location stands for (drop-locations.def).
void PathPipeline::infer_reason(PathEvent& event) {
    if (!event.location) return;
    event.reason = inferred_.at(namer_.name(event.location).location);
    event.reason_inferred = event.reason.has_value();
}

void PathPipeline::on_return(const PathEvent& event, const std::string& func, bool clones) {
    tracker_.returned(event.tid, func, *event.retval, clones);
    if (options_.basic && tracker_.is_followed_task(event.tid)) {
        PathEvent shown = event;
        shown.func = func + " returned";
        output_.path_event(naming_.view_of(shown));
    }
}

void PathPipeline::show_alone(const PathEvent& event) {
    ++shown_;
    output_.path_event(naming_.view_of(event));
}

void PathPipeline::finished(Lifecycle& lifecycle) {
    if (options_.basic) return;
    drop_own_trace_table(lifecycle);
    deduce_nft_drops(
        lifecycle,
        [this](uint64_t location) { return keys_.drops_inside(namer_.name(location).location); },
        firewall_ != nullptr);
    if (firewall_) {
        waiting_.push_back(lifecycle);
        return;
    }
    show(lifecycle);
}

void PathPipeline::show(const Lifecycle& lifecycle) {
    double latency_ms = static_cast<double>(lifecycle.last_ns() - lifecycle.first_ns()) / 1e6;
    if (latency_ms < options_.min_latency_ms || limit_reached()) return;
    std::optional<Diagnosis> diagnosis;
    if (judge_) {
        diagnosis = judge_->judge(lifecycle);
        if (diag_.quiet && !diagnosis->abnormal()) return;
    }
    ++shown_;
    std::vector<PathEventView> views;
    for (const auto& e : lifecycle.events) views.push_back(naming_.view_of(e));
    output_.packet(lifecycle, views);
    if (!diagnosis || diagnosis->findings.empty()) return;
    output_.diagnosis(*diagnosis);
    diag_stopped_ = diagnosis->worst() == DiagLevel::Error && !diag_.keep;
}

}  // namespace ftnt
