// The attach stage of a path run: dynamic events created, formats parsed, filters checked in
// the run's instance (which gives the kernel's own error text), perf events opened.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "attach/dynamic_event.h"
#include "attach/hist_trigger.h"
#include "attach/synthetic_event.h"
#include "attach/trace_instance.h"
#include "decode/path_event.h"
#include "discover/event_formats.h"
#include "plan/follow_plan.h"
#include "plan/path_plan.h"
#include "read/instance_ring.h"
#include "read/perf_reader.h"
#include "read/perf_record.h"

namespace ftnt {

struct AttachedProbe {
    const PathProbe* probe = nullptr;
    std::unique_ptr<PathEventDecoder> decoder;
    std::string entry_func;  // for a kretprobe: the function it returns from
    int clone_offset = -1;   // a followed clone's record: where its clone's address is
    int time_offset = -1;    // a followed record: where the writer's own time stamp is
};

// A perf record of this run: the point it came from and its parsed sample.
struct AttachedSample {
    const AttachedProbe* probe = nullptr;
    Sample sample;
};

// The sample decoded as its point's event, with the sample's time, CPU, task and stack.
bool decode_attached(const AttachedSample& attached, PathEvent& event);

class PathAttachment {
  public:
    PathAttachment(const std::string& tracefs, const std::string& group, TraceInstance& instance,
                   EventFormats& formats, RingOptions rings);
    // Triggers first, then synthetic events, then (members) perf events and kprobes.
    ~PathAttachment();
    PathAttachment(const PathAttachment&) = delete;
    PathAttachment& operator=(const PathAttachment&) = delete;

    // Before attach(): the points of `plan.in_kernel` are then probed but not read with perf.
    void follow_in_kernel(FollowPlan plan) { follow_ = std::move(plan); }
    // After attach(): the synthetic events and triggers of the follow plan. When the kernel
    // refuses one, everything of it is undone, its points are read with perf as without a
    // plan, and the kernel's reason is returned ("" when armed).
    std::string arm_following();
    // The followed frees' ring (null without following) and the decoder of its events.
    InstanceRing* ring() { return ring_.get(); }
    const AttachedProbe* find_followed(uint16_t common_type) const;
    // Entries the follow tables could not take: packets not followed to their free.
    unsigned long long follow_dropped() const;

    // Skipped (and said in skipped()) when the kernel refuses the probe; a refused filter
    // throws.
    void attach(const PathProbe& probe, const std::string& extra_filter);

    const AttachedProbe* find(uint64_t tracepoint_id) const;
    // A sample record of a point of this run; nothing for any other record.
    std::optional<AttachedSample> sample_of(std::span<const uint8_t> record) const;
    std::size_t attached() const { return by_id_.size(); }
    const std::vector<std::string>& skipped() const { return skipped_; }
    PerfReader& reader() { return reader_; }
    const PerfReader& reader() const { return reader_; }

  private:
    void add(const PathProbe& probe, const std::string& system, const std::string& event,
             const std::string& filter, const std::string& func, bool is_return);

    void attach_read_by_perf(const PathProbe& probe, const std::string& filter);
    void arm();
    void disarm();

    std::string tracefs_, group_;
    TraceInstance& instance_;
    EventFormats& formats_;
    // Declared before the reader, so destroyed after it: a kprobe event cannot be removed
    // while a perf event of it is open (EBUSY).
    std::vector<std::unique_ptr<DynamicEvent>> events_;
    PerfReader reader_;
    std::map<uint64_t, AttachedProbe> by_id_;
    std::vector<std::string> skipped_;
    FollowPlan follow_;
    std::vector<std::pair<const PathProbe*, std::string>> in_kernel_;  // probe, its filter
    std::vector<std::unique_ptr<SyntheticEvent>> synthetics_;
    std::vector<std::unique_ptr<HistTrigger>> triggers_;
    std::unique_ptr<InstanceRing> ring_;
    std::map<uint16_t, AttachedProbe> followed_by_type_;
};

}  // namespace ftnt
