// Output stage: what every format receives, and the formats behind one interface.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "decode/drop_event.h"
#include "output/output_sink.h"
#include "track/drop_summary.h"

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

struct TimeFormat {
    bool wall_clock = false;  // --date
    int64_t monotonic_to_realtime_ns = 0;
};

class OutputFormat {
  public:
    virtual ~OutputFormat() = default;
    virtual void drop(const DropView& view) = 0;
    virtual void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) = 0;
    virtual void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) = 0;
    virtual void flush() = 0;
};

// Each record is committed to `sink`; drops count as shown, lost notices and summaries not.
std::unique_ptr<OutputFormat> make_text_output(OutputSink& sink, TimeFormat time);
std::unique_ptr<OutputFormat> make_json_output(OutputSink& sink, TimeFormat time);

// "153.534182", or "2026-11-22 10:55:01.123456" with --date.
std::string format_time(uint64_t monotonic_ns, const TimeFormat& time);
// The offset to add to CLOCK_MONOTONIC for CLOCK_REALTIME, measured now.
int64_t measure_monotonic_to_realtime();

}  // namespace ftnt
