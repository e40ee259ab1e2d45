// Output stage: one interface every mode writes its records through, with a method per kind
// of record, and its two formats (text lines, one JSON object a line), chosen once a run.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decode/drop_event.h"
#include "decode/path_event.h"
#include "ftnettrace/diagnosis.h"
#include "ftnettrace/firewall_step.h"
#include "output/output_sink.h"
#include "track/drop_summary.h"
#include "track/lifecycle.h"

namespace ftnt {

// A drop with every name resolved, ready to print.
struct DropView {
    const DropEvent* event = nullptr;
    std::string comm;
    std::string proto;                  // "IPv4"
    std::optional<std::string> reason;  // absent when the kernel has no reasons
    std::string location;               // "tcp_v4_rcv+0x91/0x13f0"
    std::vector<std::string> source;    // "tcp_v4_rcv at net/ipv4/tcp_ipv4.c:2270", innermost first
    std::vector<std::string> stack;     // one frame a string, innermost first
    bool reason_inferred = false;       // reason from the location (kernels before 5.17)
};

// A path event with its names resolved.
struct PathEventView {
    const PathEvent* event = nullptr;
    std::string comm;
    std::string location;            // kfree_skb/consume_skb: where
    std::vector<std::string> stack;  // --trace-stack frames
    std::vector<std::string> hooks;  // --hooks: nf_hook_slow's hook functions, in order
};

// A TCP reset sent or received (--reset), its tuple in the reset's own direction.
struct ResetView {
    const PathEvent* event = nullptr;  // time, cpu, task, sk/skb, state, reason
    bool sent = true;                  // false: received
    std::optional<PacketTuple> tuple;  // from the reset's sender to its receiver
    std::string comm;
    std::string cause;               // one line, "" when no rule knows it
    std::vector<std::string> stack;  // "sym+off (file:line)", innermost first
};

// A socket event (--sock): a state change, a retransmit, a reset, an RTT sample, a full
// receive queue; its tuple from the socket's local end to its remote one.
struct SockView {
    const PathEvent* event = nullptr;  // time, cpu, task, sk, netns, the point's name
    std::optional<PacketTuple> tuple;
    std::string comm;
    std::string old_state;  // a state change's old state ("TCP_SYN_SENT"), "" otherwise
    std::string state;      // the new state of a change, or the state the event saw
    std::optional<uint64_t> srtt_us, snd_cwnd, retransmits;
    std::optional<int64_t> rtt_us;  // one RTT sample (tcp_ack_update_rtt)
    // The event's other fields, by their format's names (err, rmem_alloc, sk_rcvbuf...).
    std::vector<std::pair<std::string, int64_t>> values;
    std::optional<std::string> reason;  // a reset's, from its format's enum
};

struct TimeFormat {
    bool wall_clock = false;  // --date
    int64_t monotonic_to_realtime_ns = 0;
};

enum class OutputFormat { text, json };

struct OutputOptions {
    TimeFormat time;
    bool detail = false;        // path events: --detail (cpu, pid, comm, skb address)
    bool steps_counted = true;  // firewall steps count as shown (false beside packets)
};

// Each record is committed to the sink given to make_output(). Drops, path events, packets,
// resets and (as OutputOptions says) steps count as shown; lost notices and summaries not.
class Output {
  public:
    virtual ~Output() = default;
    virtual void drop(const DropView& view) = 0;
    virtual void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) = 0;
    virtual void path_event(const PathEventView& view) = 0;
    virtual void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) = 0;
    virtual void reset(const ResetView& view) = 0;
    virtual void sock(const SockView& view) = 0;
    virtual void step(const netfilter::TraceStep& step) = 0;
    // --diag: what the judge found about the packet just shown (not counted as shown).
    virtual void diagnosis(const Diagnosis& diagnosis) = 0;
    virtual void invalid(const netfilter::InvalidEvent& event) = 0;
    virtual void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) = 0;
    virtual void flush() = 0;
    // An output of its own (the -w file) can no longer be written: the run ends.
    virtual bool write_failed() const { return false; }
};

std::unique_ptr<Output> make_output(OutputFormat format, OutputSink& sink, OutputOptions options);

// "153.534182", or "2026-11-22 10:55:01.123456" with --date.
std::string format_time(uint64_t monotonic_ns, const TimeFormat& time);
// The offset to add to CLOCK_MONOTONIC for CLOCK_REALTIME, measured now.
int64_t measure_monotonic_to_realtime();

}  // namespace ftnt
