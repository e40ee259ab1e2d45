// The attach stage of a --drop run: the drop-point kprobe (on a kernel with kprobes: planned,
// created in the run's group, its filter checked in the run's instance) and the reader.
#pragma once

#include <memory>
#include <string>

#include "attach/dynamic_event.h"
#include "attach/trace_instance.h"
#include "discover/drop_reasons.h"
#include "discover/event_formats.h"
#include "discover/tracefs_features.h"
#include "plan/drop_options.h"
#include "read/perf_reader.h"

namespace ftnt {

struct DropPoint {
    std::unique_ptr<DynamicEvent> event;  // null: tuples come from tracepoint joins
    tep_event* format = nullptr;
    TracepointRequest request;
    std::string function;
    std::string why_not;  // when there is no event: why
};

DropPoint setup_drop_point(const DropRunOptions& options, const std::string& tracefs,
                           const TracefsFeatures& features, const DropReasonTable& reasons,
                           EventFormats& formats, TraceInstance& instance);

// The drop point is declared before the reader that opens it, so it is destroyed after it:
// a kprobe event with an open perf event cannot be removed (EBUSY).
struct DropAttachment {
    DropAttachment(DropPoint drop_point, RingOptions rings);
    DropPoint point;
    PerfReader reader;
};

}  // namespace ftnt
