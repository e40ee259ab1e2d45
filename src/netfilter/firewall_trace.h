// One run's firewall tracing: TRACE (and --log-invalid LOG) rules set up in the target
// namespace, the kernel log and the nf_tables trace socket read, and every step of a packet
// that matches the run's filter handed on. Everything it sets up is an object member and is
// torn down by the destructor, in reverse order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ftnettrace/firewall_step.h"
#include "ftnettrace/packet_filter.h"
#include "netfilter/namespace.h"
#include "netfilter/run_state.h"

namespace ftnt::netfilter {

struct FirewallCounts {
    uint64_t steps = 0, invalid = 0, kmsg_lost = 0, netlink_overruns = 0;
    // Legacy TRACE lines of packets our LOG rule did not announce: other namespaces' (or
    // other rules'), dropped.
    uint64_t foreign_trace_lines = 0;
    std::size_t rules = 0, tables = 0;
};

// What a run asks of the firewall: made once from the command line by cli/run_options.
struct FirewallOptions {
    bool trace_rules = false;  // --iptables-trace: TRACE rules where the backends have tables
    bool log_invalid = false;  // --log-invalid: LOG rules for conntrack's INVALID packets
};

class FirewallTrace {
  public:
    using OnStep = std::function<void(const TraceStep&)>;
    using OnInvalid = std::function<void(const InvalidEvent&)>;

    // Sets everything up (as root), each change recorded in `state` first; the calling
    // thread stays in `target` until destruction.
    FirewallTrace(RunState& state, const FirewallOptions& options,
                  const filters::PacketFilter& filter, const NetnsTarget& target);
    ~FirewallTrace();
    FirewallTrace(const FirewallTrace&) = delete;
    FirewallTrace& operator=(const FirewallTrace&) = delete;

    // What was set up, for the start line: "iptables-legacy TRACE (4 rules ...)".
    const std::string& description() const { return description_; }
    // Descriptors to poll (-1 when a reader is not used).
    int kmsg_fd() const;
    int nftrace_fd() const;
    // Reads what arrived and hands on the steps and invalid packets that are ours.
    void drain(const OnStep& on_step, const OnInvalid& on_invalid);
    FirewallCounts counts() const;

  private:
    struct Parts;  // what was set up, in set-up order (firewall_trace.cpp)
    RunState& state_;
    std::unique_ptr<Parts> parts_;
    std::string description_;
};

// "-s 10.0.0.1 -p icmp", or "every packet".
std::string filter_text(const filters::FilterFlags& flags);

}  // namespace ftnt::netfilter
