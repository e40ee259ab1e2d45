#include "run/path_attachment.h"

#include <event-parse.h>

#include "core/errors.h"
#include "core/text_file.h"
#include "discover/kernel_env.h"
#include "ftnettrace/filters.h"

namespace ftnt {

PathAttachment::PathAttachment(const std::string& tracefs, const std::string& group,
                               TraceInstance& instance, EventFormats& formats, RingOptions rings)
    : tracefs_(tracefs),
      group_(group),
      instance_(instance),
      formats_(formats),
      reader_(online_cpus(), rings) {}

PathAttachment::~PathAttachment() {
    disarm();
}

void PathAttachment::attach(const PathProbe& probe, const std::string& extra_filter) {
    bool in_kernel = follow_.in_kernel.count(probe.name) != 0;
    if (probe.tracepoint) {
        if (in_kernel)
            in_kernel_.push_back({&probe, ""});
        else
            attach_read_by_perf(probe, "");
        return;
    }
    try {
        events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, probe.kprobe));
    } catch (const KernelError& error) {
        skipped_.push_back(probe.name + ": " + error.what());
        return;
    }
    auto filter = filters::all_of({probe.filter, extra_filter});
    if (in_kernel && probe.kretprobe) {  // skb_clone: its return is followed in the kernel
        try {
            events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, *probe.kretprobe));
        } catch (const KernelError& error) {
            skipped_.push_back(probe.name + " (return): " + error.what());
        }
    }
    if (in_kernel)
        in_kernel_.push_back({&probe, filter});
    else
        attach_read_by_perf(probe, filter);
}

// The kprobe event exists already.
void PathAttachment::attach_read_by_perf(const PathProbe& probe, const std::string& filter) {
    if (probe.tracepoint) {
        auto colon = probe.name.find(':');
        add(probe, probe.name.substr(0, colon), probe.name.substr(colon + 1), "", probe.name,
            false);
        return;
    }
    add(probe, group_, probe.kprobe.event, filter, probe.name, false);
    if (!probe.kretprobe) return;
    if (path_exists(tracefs_ + "/events/" + group_ + "/" + probe.kretprobe->event)) {
        add(probe, group_, probe.kretprobe->event, "", probe.name, true);
        return;
    }
    try {
        events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, *probe.kretprobe));
        add(probe, group_, probe.kretprobe->event, "", probe.name, true);
    } catch (const KernelError& error) {
        skipped_.push_back(probe.name + " (return): " + error.what());
    }
}

std::string PathAttachment::arm_following() {
    if (in_kernel_.empty()) return "";
    try {
        arm();
        return "";
    } catch (const KernelError& error) {
        disarm();
        for (const auto& [probe, filter] : in_kernel_) attach_read_by_perf(*probe, filter);
        in_kernel_.clear();
        return error.what();
    }
}

void PathAttachment::arm() {
    // The perf rings stamp CLOCK_MONOTONIC (attach/perf_event.cpp): the same clock here.
    if (int error = write_text_file(instance_.dir() + "/trace_clock", "mono\n"); error != 0)
        throw KernelError(errno_message("cannot set the instance's trace_clock to mono", error));
    for (const auto& synthetic : follow_.synthetics)
        synthetics_.push_back(
            std::make_unique<SyntheticEvent>(tracefs_, synthetic.name, synthetic.fields));
    for (const auto& trigger : follow_.triggers) {
        // A point the kernel refused (skipped above) has no event to hold its trigger.
        if (!path_exists(instance_.dir() + "/events/" + trigger.system + "/" + trigger.event))
            continue;
        triggers_.push_back(std::make_unique<HistTrigger>(tracefs_, instance_.dir(), trigger.system,
                                                          trigger.event, trigger.text));
    }
    for (std::size_t i = 0; i < follow_.synthetics.size(); ++i) {
        const auto& synthetic = follow_.synthetics[i];
        const PathProbe* probe = nullptr;
        for (const auto& [candidate, filter] : in_kernel_)
            if (candidate->name == synthetic.point) probe = candidate;
        if (!probe) continue;
        tep_event* format = formats_.load(tracefs_, "synthetic", synthetic.name);
        if (!format) throw KernelError("no format for synthetic:" + synthetic.name);
        synthetics_[i]->enable_in(instance_.dir());
        AttachedProbe attached;
        attached.probe = probe;
        if (tep_format_field* time = tep_find_field(format, "ns"))
            attached.time_offset = time->offset;
        if (tep_format_field* clone = tep_find_field(format, "clone")) {
            attached.clone_offset = clone->offset;
            attached.entry_func = probe->name;
        }
        attached.decoder = std::make_unique<PathEventDecoder>(
            format, probe->name, filters::Layer::None, std::vector<std::string>{}, probe->lifecycle,
            probe->decode);
        followed_by_type_[static_cast<uint16_t>(format->id)] = std::move(attached);
    }
    ring_ = std::make_unique<InstanceRing>(instance_.dir(), online_cpus());
}

// Triggers refer to the synthetic events (and the later ones to the mark's variable):
// removed newest first, then the synthetic events (EBUSY otherwise).
void PathAttachment::disarm() {
    ring_.reset();
    followed_by_type_.clear();
    while (!triggers_.empty()) triggers_.pop_back();
    while (!synthetics_.empty()) synthetics_.pop_back();
}

const AttachedProbe* PathAttachment::find_followed(uint16_t common_type) const {
    auto it = followed_by_type_.find(common_type);
    return it == followed_by_type_.end() ? nullptr : &it->second;
}

unsigned long long PathAttachment::follow_dropped() const {
    unsigned long long dropped = 0;
    for (const auto& trigger : triggers_) dropped += trigger->dropped();
    return dropped;
}

const AttachedProbe* PathAttachment::find(uint64_t tracepoint_id) const {
    auto it = by_id_.find(tracepoint_id);
    return it == by_id_.end() ? nullptr : &it->second;
}

std::optional<AttachedSample> PathAttachment::sample_of(std::span<const uint8_t> record) const {
    auto id = sample_identifier(record);
    const TracepointRequest* request = id ? reader_.request_of(*id) : nullptr;
    const AttachedProbe* probe = request ? find(request->tracepoint_id) : nullptr;
    if (!probe) return std::nullopt;
    auto sample = parse_sample(record, reader_.sample_type_of(*id));
    if (!sample) return std::nullopt;
    return AttachedSample{probe, std::move(*sample)};
}

bool decode_attached(const AttachedSample& attached, PathEvent& event) {
    if (!attached.probe->decoder->decode(attached.sample.raw, event)) return false;
    event.time_ns = attached.sample.time;
    event.cpu = attached.sample.cpu;
    event.pid = attached.sample.pid;
    event.tid = attached.sample.tid;
    event.stack = attached.sample.callchain;
    return true;
}

void PathAttachment::add(const PathProbe& probe, const std::string& system,
                         const std::string& event, const std::string& filter,
                         const std::string& func, bool is_return) {
    tep_event* format = formats_.load(tracefs_, system, event);
    if (!format) {
        skipped_.push_back(probe.name + ": no format in tracefs");
        return;
    }
    uint64_t id = static_cast<uint64_t>(format->id);
    try {
        reader_.add({system, event, id, filter, probe.stack});
    } catch (const KernelError&) {
        // The perf ioctl says only EINVAL: the instance's filter file has the kernel's words.
        // Asked only then: a write to a filter file took 20-60 ms on the 6.1 guest (TCG), 3.8 s
        // of the whole catalog's attach when each point's filter was tried there first.
        if (filter.empty()) throw;
        auto error = instance_.try_filter(system, event, filter);
        throw KernelError("the kernel refused the filter \"" + filter + "\" on " + probe.name +
                          ": " + (error.empty() ? "Invalid argument" : error));
    }
    AttachedProbe attached;
    attached.probe = &probe;
    attached.decoder =
        std::make_unique<PathEventDecoder>(format, func, probe.layer, probe.extra_names,
                                           is_return ? "" : probe.lifecycle, probe.decode);
    attached.entry_func = is_return ? func : "";
    by_id_[id] = std::move(attached);
}

}  // namespace ftnt
