// One run's firewall tracing: TRACE (and --log-invalid LOG) rules set up in the target
// namespace, the kernel log and the nf_tables trace socket read, and every step of a packet
// that matches the run's filter handed on. Everything it sets up is an object member and is
// torn down by the destructor, in reverse order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "decode/trace_step.h"
#include "ftnettrace/packet_filter.h"
#include "netfilter/backend.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/kmsg_reader.h"
#include "netfilter/namespace.h"
#include "netfilter/nft_table.h"
#include "netfilter/nftrace_reader.h"
#include "netfilter/run_state.h"
#include "netfilter/sysctl_setting.h"

namespace ftnt::netfilter {

struct FirewallCounts {
    uint64_t steps = 0, invalid = 0, kmsg_lost = 0, netlink_overruns = 0;
    // Legacy TRACE lines of packets our LOG rule did not announce: other namespaces' (or
    // other rules'), dropped.
    uint64_t foreign_trace_lines = 0;
    std::size_t rules = 0, tables = 0;
};

class StepSource;

class FirewallTrace {
  public:
    using OnStep = std::function<void(const TraceStep&)>;
    using OnInvalid = std::function<void(const InvalidEvent&)>;

    // Sets everything up (as root), each change recorded in `state` first; the calling
    // thread stays in `target` until destruction.
    FirewallTrace(RunState& state, const Options& options, const filters::PacketFilter& filter,
                  const NetnsTarget& target);
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
    RunState& state_;
    std::vector<std::unique_ptr<SysctlSetting>> sysctls_;
    std::optional<NetnsEnter> enter_;
    std::optional<KmsgReader> kmsg_;
    std::optional<NftraceReader> nftrace_;
    RuleList rules_;
    std::optional<NftTable> table_;
    std::unique_ptr<StepSource> source_;
    std::string description_;
};

// "-s 10.0.0.1 -p icmp", or "every packet".
std::string filter_text(const Options& options);

}  // namespace ftnt::netfilter
