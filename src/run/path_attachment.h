// The attach stage of a path run: dynamic events created, formats parsed, filters checked in
// the run's instance (which gives the kernel's own error text), perf events opened.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attach/dynamic_event.h"
#include "attach/trace_instance.h"
#include "decode/event_formats.h"
#include "decode/path_event.h"
#include "plan/path_plan.h"
#include "read/perf_reader.h"

namespace ftnt {

struct AttachedProbe {
    const PathProbe* probe = nullptr;
    std::unique_ptr<PathEventDecoder> decoder;
    std::string entry_func;  // for a kretprobe: the function it returns from
};

class PathAttachment {
  public:
    PathAttachment(const std::string& tracefs, const std::string& group, TraceInstance& instance,
                   EventFormats& formats, RingOptions rings);

    // Skipped (and said in skipped()) when the kernel refuses the probe; a refused filter
    // throws.
    void attach(const PathProbe& probe, const std::string& extra_filter);

    const AttachedProbe* find(uint64_t tracepoint_id) const;
    std::size_t attached() const { return by_id_.size(); }
    const std::vector<std::string>& skipped() const { return skipped_; }
    PerfReader& reader() { return reader_; }
    const PerfReader& reader() const { return reader_; }

  private:
    void add(const PathProbe& probe, const std::string& system, const std::string& event,
             const std::string& filter, const std::string& func, bool is_return);

    std::string tracefs_, group_;
    TraceInstance& instance_;
    EventFormats& formats_;
    // Declared before the reader, so destroyed after it: a kprobe event cannot be removed
    // while a perf event of it is open (EBUSY).
    std::vector<std::unique_ptr<DynamicEvent>> events_;
    PerfReader reader_;
    std::map<uint64_t, AttachedProbe> by_id_;
    std::vector<std::string> skipped_;
};

}  // namespace ftnt
