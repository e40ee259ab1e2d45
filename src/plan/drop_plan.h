// Plan stage of --drop: which tracepoints to open, with which in-kernel filters, and what
// is left for user space.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/packet_tuple.h"
#include "discover/drop_reasons.h"
#include "discover/event_formats.h"
#include "ftnettrace/packet_filter.h"
#include "plan/catalog.h"
#include "plan/drop_options.h"
#include "plan/tracepoint_request.h"
#include "plan/tuple_source_spec.h"

struct tep_event;

namespace ftnt {

// --proto split by where it is checked: ethertypes in the kernel, transports on the tuple.
struct ProtocolSelection {
    std::vector<uint16_t> ethertypes;
    std::vector<std::string> transports;
    // A drop passes when its ethertype was named or its tuple's transport was.
    bool passes(uint16_t ethertype, const std::optional<PacketTuple>& tuple) const;
};

// Whether a join's tuples can let a drop through --proto: a tcp:tcp_send_reset join is not
// enabled for `-p udp` (its every event would be read for nothing).
bool join_can_pass(const TupleSourceSpec& join, const ProtocolSelection& protocols);

struct DropPlan {
    TracepointRequest drop;                   // skb:kfree_skb with its filter
    std::vector<TracepointRequest> joins;     // tracepoints that name the skb's tuple
    std::vector<TupleSourceSpec> join_specs;  // what each join names, same order as joins
    std::vector<tep_event*> join_events;      // their formats, same order
    ProtocolSelection protocols;
    filters::PacketFilter tuple_filter;  // -s -d --addr -S -D -P, checked on the joined tuple
    std::vector<std::string> notices;    // one line each, printed at start
    bool tuples_wanted = true;           // false: --summary with no tuple filter
};

// Throws UsageError for names this kernel does not know (listing the ones it does).
DropPlan plan_drop(const DropRunOptions& options, const std::string& tracefs,
                   const DropReasonTable& reasons, const Catalog& catalog, EventFormats& formats);

// Tuples come from the drop-point kprobe on `function`: no tracepoint joins.
void use_drop_point(DropPlan& plan, const std::string& function);

// The values of a --reason/--exclude-reason list in this kernel's table; throws UsageError for
// a name it does not know (listing the ones it does).
std::vector<uint64_t> reason_values(const std::string& list, const DropReasonTable& reasons,
                                    const char* flag);

// The kfree_skb filter for --reason/--exclude-reason/--proto on this kernel's table.
std::string drop_filter(const DropRunOptions& options, const DropReasonTable& reasons,
                        ProtocolSelection& selection);

}  // namespace ftnt
