// Output of path tracing: single events (--basic) and whole packet lifecycles.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "decode/path_event.h"
#include "output/output.h"
#include "track/lifecycle.h"

namespace ftnt {

// Names resolved for one event.
struct PathEventView {
    const PathEvent* event = nullptr;
    std::string comm;
    std::string location;            // kfree_skb/consume_skb: where
    std::vector<std::string> stack;  // --trace-stack frames
    std::vector<std::string> hooks;  // --hooks: nf_hook_slow's hook functions, in order
};

struct PathOutputOptions {
    TimeFormat time;
    bool detail = false;  // --detail: cpu, pid, comm, skb address
};

class PathOutput {
  public:
    virtual ~PathOutput() = default;
    virtual void event(const PathEventView& view) = 0;
    virtual void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) = 0;
    virtual void notice_lost(uint32_t cpu, uint64_t count, uint64_t time_ns) = 0;
    virtual void flush() = 0;
};

// Packets (and events with --basic) count as shown in `sink`; lost notices not.
std::unique_ptr<PathOutput> make_path_text_output(OutputSink& sink, PathOutputOptions options);
std::unique_ptr<PathOutput> make_path_json_output(OutputSink& sink, PathOutputOptions options);

// "HOST", "BROADCAST", "MULTICAST", "OTHERHOST", "OUTGOING", "LOOPBACK" (PACKET_* values).
std::string pkt_type_name(int pkt_type);
// "TCP 192.0.2.1:40000 -> 192.0.2.2:80 S seq 1 ack 0", "ICMP 192.0.2.1 -> 192.0.2.2 echo
// request id 7 seq 1", or the ethertype name when nothing more is known.
std::string describe_packet(const PathEvent& event);

}  // namespace ftnt
