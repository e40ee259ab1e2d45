// Plan stage of --drop on kernels with kprobes: a kprobe on the function that frees a dropped
// skb, reading the packet's headers where it is dropped (its tuple and MAC addresses).
#pragma once

#include <optional>
#include <string>

#include "discover/drop_reasons.h"
#include "discover/kernel_types.h"
#include "plan/drop_options.h"
#include "plan/kprobe_spec.h"
#include "plan/path_plan.h"

namespace ftnt {

// Bytes of the packet read around skb->data: the network header sits up to ~120 bytes
// before it (a TCP payload after its headers were pulled) or up to 14 bytes after it
// (transmit path, data at the Ethernet header).
constexpr int kDropWindowBefore = 128;
constexpr int kDropWindowBytes = 256;

struct DropPointProbe {
    std::string function;  // kfree_skb_reason, sk_skb_reason_drop or kfree_skb
    KprobeSpec kprobe;
    std::string filter;  // same reasons, ethertypes and pid as the tracepoint's filter
};

struct DropPointPlan {
    std::optional<DropPointProbe> probe;
    std::string why_not;  // when there is no probe
};

// The drop function is chosen by what this kernel has (available_filter_functions and BTF),
// not by its version: sk_skb_reason_drop (6.11+), kfree_skb_reason (5.17-6.10), kfree_skb.
DropPointPlan plan_drop_point(const DropRunOptions& options, const DropReasonTable& reasons,
                              const ProbeableFunctions& functions, const KernelTypes& types);

}  // namespace ftnt
