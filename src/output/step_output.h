// Trace steps and --log-invalid events as text lines or one JSON object per line.
#pragma once

#include <memory>

#include "decode/trace_step.h"
#include "output/json_writer.h"
#include "output/output.h"

namespace ftnt::netfilter {

class StepOutput {
  public:
    virtual ~StepOutput() = default;
    virtual void step(const TraceStep& step) = 0;
    virtual void invalid(const InvalidEvent& event) = 0;
};

// `counted`: the steps are what the run reports as shown (true when they stand alone).
std::unique_ptr<StepOutput> make_step_text_output(OutputSink& sink, TimeFormat time, bool counted);
std::unique_ptr<StepOutput> make_step_json_output(OutputSink& sink, TimeFormat time, bool counted);

// The step's own fields (backend family table chain step rule handle verdict rule_text), as
// a standalone trace object and a packet's "firewall" array hold them.
void write_step_fields(JsonObject& object, const TraceStep& step);

// "filter:USERCHAIN:rule 1" (iptables) or "inet t:input:handle 3" (native nft).
std::string step_location(const TraceStep& step);
// "ICMP 192.0.2.1 -> 192.0.2.2 echo request", "TCP 192.0.2.1:40000 -> 192.0.2.2:80 SYN".
std::string packet_text(const PacketInfo& packet);

}  // namespace ftnt::netfilter
