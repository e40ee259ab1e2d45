#include "run/drop_pipeline.h"

#include "attach/perf_event.h"
#include "core/errors.h"
#include "core/monotonic_clock.h"
#include "plan/drop_point_plan.h"
#include "track/side_band.h"

namespace ftnt {

DropPipeline::DropPipeline(DropPipelineOptions options, const DropPlan& plan,
                           const DropReasonTable& reasons, DropDecoder decoder, AddressNamer& namer,
                           Output& output, DropAttachment& attachment,
                           std::unique_ptr<SummaryCounters> counters)
    : options_(options),
      plan_(plan),
      reasons_(reasons),
      decoder_(decoder),
      namer_(namer),
      output_(output),
      reader_(attachment.reader),
      counters_(std::move(counters)),
      point_(attachment.point) {
    if (point_.format) point_decoder_.emplace(point_.format, kDropWindowBefore);
    // Throws UsageError naming the catalog line when this kernel's event lacks a field.
    for (std::size_t i = 0; i < plan_.join_specs.size(); ++i)
        join_sources_.emplace_back(plan_.join_specs[i], plan_.join_events[i]);
}

void DropPipeline::on_record(const OwnedRecord& record) {
    std::span<const uint8_t> bytes(record.bytes);
    if (handle_side_band(bytes, default_sample_type(), comms_, [&](const LostRecord& lost) {
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

void DropPipeline::tick(double seconds) {
    if (!options_.summary || options_.interval_seconds <= 0) return;
    if (seconds - last_interval_ < options_.interval_seconds) return;
    last_interval_ = seconds;
    output_.summary(summary(), reader_.lost_total(), seconds, false);
}

void DropPipeline::unreported_lost(uint32_t cpu, uint64_t lost) {
    output_.lost(cpu, lost, monotonic_now_ns());
}

DropSummary DropPipeline::summary() const {
    DropSummary merged = summary_;
    if (!counters_) return merged;
    for (const auto& [pair, count] : counters_->totals()) {
        const std::string& location = namer_.name(pair.location).location;
        auto [reason, inferred] =
            reason_at(decoder_.has_reason() ? std::optional(pair.reason) : std::nullopt, location);
        merged.add(reason.value_or(""), location, count,
                   options_.by_protocol ? ethertype_name(pair.protocol) : "", inferred);
    }
    return merged;
}

void DropPipeline::on_join(const TracepointRequest& request, const Sample& sample) {
    for (std::size_t i = 0; i < plan_.joins.size(); ++i) {
        if (plan_.joins[i].tracepoint_id != request.tracepoint_id) continue;
        if (auto found = join_sources_[i].decode(sample.raw))
            joins_.remember(found->skb, sample.time, found->tuple);
    }
}

void DropPipeline::on_drop_point(const Sample& sample) {
    if (auto headers = point_decoder_->decode(sample.raw))
        point_joins_.remember(headers->skb, sample.time, *headers);
}

void DropPipeline::on_drop(const Sample& sample) {
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
            event.bytes = std::move(headers->bytes);
            event.dev = headers->dev;
            event.netns = headers->netns;
        }
    } else {
        event.tuple = joins_.take(event.skb, sample.time);
    }
    if (!passes(event)) return;
    SummaryCounters::Pair pair{event.reason.value_or(0), event.location,
                               options_.by_protocol ? event.protocol : uint16_t{0}};
    if (counters_ && event.time_ns >= counters_->counted_since(pair)) return;
    if (done()) return;
    ++drops_shown_;
    if (!options_.summary) {
        show(event, sample);
        return;
    }
    const NamedAddress& where = namer_.name(event.location, symbolize::AddressKind::return_address);
    auto [reason, inferred] = reason_at(event.reason, where.location);
    summary_.add(reason.value_or(""), where.location, 1,
                 options_.by_protocol ? ethertype_name(event.protocol) : "", inferred);
    if (counters_ && !counters_->counted(pair) && !counters_->full()) count_in_kernel(pair);
}

bool DropPipeline::passes(const DropEvent& event) const {
    if (!plan_.protocols.passes(event.protocol, event.tuple)) return false;
    return plan_.tuple_filter.empty() ||
           (event.tuple && plan_.tuple_filter.matches(to_facts(*event.tuple)));
}

std::pair<std::optional<std::string>, bool> DropPipeline::reason_at(
    std::optional<uint32_t> code, const std::string& location) const {
    // Before 5.17: the reason the location stands for (drop-locations.def), if it names one.
    if (!decoder_.has_reason()) {
        auto inferred = inferred_.at(location);
        return {inferred, inferred.has_value()};
    }
    if (!code) return {std::nullopt, false};
    return {reasons_.name_of(*code), false};
}

// (Not in --summary: its in-kernel counters key on the location alone.)
void DropPipeline::show(DropEvent& event, const Sample& sample) {
    const NamedAddress& where = namer_.name(event.location, symbolize::AddressKind::return_address);
    auto [reason, inferred] = reason_at(event.reason, where.location);
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

// From now on `pair` is counted by the kernel; a new sampler that excludes it takes over from
// the current one (PerfReader::hand_over: no other pair's drop is lost or counted twice).
// The pair's samples from the counter's start on are not added (counted_since): a drop of
// the pair in the microseconds between its counter's enable and that start counts twice,
// none is lost.
void DropPipeline::count_in_kernel(const SummaryCounters::Pair& pair) {
    if (!counters_->count(pair)) return;
    TracepointRequest next = plan_.drop;
    next.filter = counters_->sampler_filter();
    try {
        std::size_t index = reader_.add(next);
        reader_.hand_over(sampler_, index);
        sampler_ = index;
    } catch (const KernelError&) {
        // The kernel refused the longer filter: the old sampler goes on, and so does the
        // counter, whose pair's samples are then skipped by time.
    }
}

}  // namespace ftnt
