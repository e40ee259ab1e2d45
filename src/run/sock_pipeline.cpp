#include "run/sock_pipeline.h"

#include <charconv>
#include <set>

#include "attach/perf_event.h"
#include "core/monotonic_clock.h"
#include "core/packet_tuple.h"
#include "decode/tcp_state.h"
#include "track/side_band.h"

namespace ftnt {
namespace {

std::optional<int64_t> number_of(const std::string& text) {
    int64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// inet_sock_set_state's protocol (it is raised for SCTP and MPTCP sockets too).
std::string l4_of_protocol(int64_t protocol) {
    switch (protocol) {
        case 6:
            return "TCP";
        case 132:
            return "SCTP";
        case 262:
            return "MPTCP";
        default:
            return "proto " + std::to_string(protocol);
    }
}

// Fields shown under their own names.
bool shown_as_value(const std::string& name) {
    static const std::set<std::string> kValues = {
        "err",        "ssthresh",    "snd_wnd",   "rcv_wnd",     "data_len",
        "rmem_alloc", "truesize",    "sk_rcvbuf", "sysctl_rmem", "sysctl_wmem",
        "wmem_alloc", "wmem_queued", "kind"};
    return kValues.count(name) != 0;
}

}  // namespace

const std::vector<std::string>& sock_tracepoint_fields() {
    static const std::vector<std::string> kFields = {
        "oldstate",  "newstate",    "protocol",    "srtt",       "snd_cwnd",    "ssthresh",
        "snd_wnd",   "rcv_wnd",     "data_len",    "err",        "rmem_alloc",  "truesize",
        "sk_rcvbuf", "sysctl_rmem", "sysctl_wmem", "wmem_alloc", "wmem_queued", "kind"};
    return kFields;
}

SockView sock_view_of(const PathEvent& e) {
    SockView v;
    v.event = &e;
    v.reason = e.reason;
    if (e.packet && e.packet->tuple.family) {
        v.tuple = e.packet->tuple;
        if (v.tuple->l4.empty()) v.tuple->l4 = "TCP";  // the kprobes' sockets are TCP ones
    }
    std::optional<int64_t> old_state, new_state, seen_state;
    for (const auto& [name, text] : e.extra) {
        auto n = number_of(text);
        if (!n) continue;
        if (name == "oldstate")
            old_state = n;
        else if (name == "skstate")
            seen_state = n;
        else if (name == "newstate")
            new_state = n;
        else if (name == "protocol" && v.tuple)
            v.tuple->l4 = l4_of_protocol(*n);
        else if (name == "srtt")
            v.srtt_us = static_cast<uint64_t>(*n);
        else if (name == "srtt8")
            v.srtt_us = static_cast<uint64_t>(*n) >> 3;  // tcp_sock.srtt_us holds 8 x srtt
        else if (name == "snd_cwnd" || name == "cwnd")
            v.snd_cwnd = static_cast<uint64_t>(*n);
        else if (name == "retrans")
            v.retransmits = static_cast<uint64_t>(*n);
        else if (name == "rtt" && *n >= 0)  // -1: the ACK gave no sample
            v.rtt_us = *n;
        else if (shown_as_value(name))
            v.values.emplace_back(name, *n);
    }
    // tcp_set_state is entered in the old state: skstate is the change's old state there.
    if (new_state && !old_state) old_state = seen_state;
    if (new_state) {
        v.state = tcp_state_name(*new_state);
        if (old_state) v.old_state = tcp_state_name(*old_state);
    } else if (seen_state) {
        v.state = tcp_state_name(*seen_state);
    } else {
        v.state = e.state;
    }
    return v;
}

SockPipeline::SockPipeline(SockPipelineOptions options, const SockFilter& filter,
                           const PathAttachment& attachment, Output& output)
    : options_(options), filter_(filter), attachment_(attachment), output_(output) {}

void SockPipeline::on_record(const OwnedRecord& record) {
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
    on_event(event);
}

// What the kernel could not check: the tuple either way round (a socket names a connection),
// the task, the netns (only kprobes read it; a tracepoint's socket is known by its address),
// the state change, and srtt/rtt (the socket's last ones for an event without them).
bool SockPipeline::passes(const SockView& v) const {
    const PathEvent& e = *v.event;
    if (options_.pid && e.tid != options_.pid && e.pid != options_.pid) return false;
    if (!filter_.packet.empty()) {
        if (!v.tuple) return false;
        if (!filter_.packet.matches(to_facts(*v.tuple)) &&
            !filter_.packet.matches(to_facts(v.tuple->reversed())))
            return false;
    }
    const SocketMemory::Seen* seen = e.sk ? memory_.find(e.sk) : nullptr;
    if (options_.netns && (e.netns ? e.netns : seen ? seen->netns : 0) != options_.netns)
        return false;
    if (filter_.state) {
        std::string name = tcp_state_name(*filter_.state);
        if (v.old_state.empty() || (v.old_state != name && v.state != name)) return false;
    }
    if (filter_.srtt_us) {
        auto srtt = v.srtt_us ? v.srtt_us : seen ? seen->srtt_us : std::nullopt;
        if (!srtt || *srtt < filter_.srtt_us) return false;
    }
    if (filter_.rtt_us) {
        auto rtt = v.rtt_us ? v.rtt_us : seen ? seen->rtt_us : std::nullopt;
        if (!rtt || *rtt < static_cast<int64_t>(filter_.rtt_us)) return false;
    }
    return true;
}

void SockPipeline::on_event(const PathEvent& event) {
    if (done()) return;
    SockView view = sock_view_of(event);
    memory_.note(event.sk, {view.srtt_us, view.rtt_us, event.netns});
    bool shown = passes(view);
    if (event.func == "tcp:tcp_destroy_sock") memory_.forget(event.sk);
    if (!shown) return;
    view.comm = comms_.name(event.tid, event.cpu);
    ++shown_;
    output_.sock(view);
}

void SockPipeline::unreported_lost(uint32_t cpu, uint64_t lost) {
    output_.lost(cpu, lost, monotonic_now_ns());
}

}  // namespace ftnt
