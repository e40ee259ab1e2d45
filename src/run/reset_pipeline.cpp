#include "run/reset_pipeline.h"

#include "attach/perf_event.h"
#include "core/monotonic_clock.h"
#include "core/packet_tuple.h"
#include "track/reset_cause.h"
#include "track/side_band.h"

namespace ftnt {

bool reset_point_receives(const std::string& point) {
    return point == "tcp:tcp_receive_reset";
}

bool reset_point_sees_answered_segment(const std::string& point) {
    return point == "tcp_v4_send_reset" || point == "tcp_v6_send_reset";
}

ResetPipeline::ResetPipeline(ResetPipelineOptions options, const filters::PacketFilter& filter,
                             const PathAttachment& attachment, AddressNamer& namer, Output& output)
    : options_(options), filter_(filter), attachment_(attachment), namer_(namer), output_(output) {}

void ResetPipeline::on_record(const OwnedRecord& record) {
    std::span<const uint8_t> bytes(record.bytes);
    if (handle_side_band(bytes, default_sample_type(), comms_, [&](const LostRecord& lost) {
            output_.lost(lost.cpu, lost.lost, lost.time);
        }))
        return;
    auto attached = attachment_.sample_of(bytes);
    if (!attached || attached->probe->decoder->is_return()) return;
    ++events_seen_;
    PathEvent event;
    if (!decode_attached(*attached, event)) return;
    on_event(event, *attached->probe->probe);
}

// The tuple either way round passes the address and port filter (a reset names a
// connection); --pid is the task the event ran in.
bool ResetPipeline::passes(const PathEvent& event, const std::optional<PacketTuple>& tuple) const {
    if (options_.pid && event.tid != options_.pid && event.pid != options_.pid) return false;
    if (filter_.empty()) return true;
    if (!tuple) return false;
    return filter_.matches(to_facts(*tuple)) || filter_.matches(to_facts(tuple->reversed()));
}

void ResetPipeline::on_event(const PathEvent& event, const PathProbe& probe) {
    if (done()) return;
    ResetView view;
    view.event = &event;
    view.sent = !reset_point_receives(probe.name);
    if (event.packet && event.packet->tuple.family) {
        PacketTuple tuple = event.packet->tuple;
        // tcp_receive_reset names the socket (local first); the kprobes on the send_reset
        // functions read the segment being answered: both the other way round from the reset.
        if (!view.sent || reset_point_sees_answered_segment(probe.name)) tuple = tuple.reversed();
        tuple.l4 = "TCP";
        view.tuple = tuple;
    }
    if (!passes(event, view.tuple)) return;
    view.comm = comms_.name(event.tid, event.cpu);
    view.stack = namer_.callchain(event.stack);
    ResetFacts facts;
    facts.sent = view.sent;
    facts.answers_segment = event.skb != 0;
    facts.has_socket = event.sk != 0 || !event.state.empty();
    facts.reason = event.reason;
    facts.state = event.state;
    for (const auto& frame : view.stack) facts.frames.push_back(function_of_frame(frame));
    view.cause = reset_cause(facts);
    ++shown_;
    output_.reset(view);
}

void ResetPipeline::unreported_lost(uint32_t cpu, uint64_t lost) {
    output_.lost(cpu, lost, monotonic_now_ns());
}

}  // namespace ftnt
