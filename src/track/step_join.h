// Joins firewall trace steps (iptables TRACE lines, nf_tables trace messages) to the packet
// lifecycles path tracing follows. Neither backend tells the skb: a step belongs to the
// packet whose headers it repeats (addresses, ports, IPv4 id, TCP seq/ack, echo id/seq),
// at any point of its path, so a step taken before or after NAT finds it too.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "decode/packet_headers.h"
#include "ftnettrace/firewall_step.h"
#include "track/lifecycle.h"

namespace ftnt {

// Whether the step's packet headers are those of one event of a path.
bool step_matches_packet(const netfilter::PacketInfo& step, const PacketDetails& packet);

class StepJoin {
  public:
    // `received_ns`: CLOCK_MONOTONIC when the step was read.
    void add(netfilter::TraceStep step, uint64_t received_ns);
    // Moves the steps of this packet into lifecycle.firewall, oldest first.
    void take_for(Lifecycle& lifecycle);
    // Steps read before `before_ns` that no packet took: shown on their own.
    std::vector<netfilter::TraceStep> take_unjoined(uint64_t before_ns);
    std::size_t waiting() const { return waiting_.size(); }

  private:
    struct Waiting {
        netfilter::TraceStep step;
        uint64_t received_ns = 0;
    };
    static constexpr std::size_t kMaxWaiting = 8192;
    std::deque<Waiting> waiting_;
};

}  // namespace ftnt
