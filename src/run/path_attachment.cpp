#include "run/path_attachment.h"

#include <event-parse.h>

#include "core/errors.h"
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

void PathAttachment::attach(const PathProbe& probe, const std::string& extra_filter) {
    if (probe.tracepoint) {
        auto colon = probe.name.find(':');
        add(probe, probe.name.substr(0, colon), probe.name.substr(colon + 1), "", probe.name,
            false);
        return;
    }
    try {
        events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, probe.kprobe));
    } catch (const KernelError& error) {
        skipped_.push_back(probe.name + ": " + error.what());
        return;
    }
    auto filter = filters::all_of({probe.filter, extra_filter});
    add(probe, group_, probe.kprobe.event, filter, probe.name, false);
    if (!probe.kretprobe) return;
    try {
        events_.push_back(std::make_unique<DynamicEvent>(tracefs_, group_, *probe.kretprobe));
        add(probe, group_, probe.kretprobe->event, "", probe.name, true);
    } catch (const KernelError& error) {
        skipped_.push_back(probe.name + " (return): " + error.what());
    }
}

const AttachedProbe* PathAttachment::find(uint64_t tracepoint_id) const {
    auto it = by_id_.find(tracepoint_id);
    return it == by_id_.end() ? nullptr : &it->second;
}

void PathAttachment::add(const PathProbe& probe, const std::string& system,
                         const std::string& event, const std::string& filter,
                         const std::string& func, bool is_return) {
    tep_event* format = formats_.load(tracefs_, system, event);
    if (!format) {
        skipped_.push_back(probe.name + ": no format in tracefs");
        return;
    }
    if (auto error = instance_.set_filter(system, event, filter); !error.empty())
        throw KernelError("the kernel refused the filter \"" + filter + "\" on " + probe.name +
                          ": " + error);
    instance_.set_filter(system, event, "");
    uint64_t id = static_cast<uint64_t>(format->id);
    reader_.add({system, event, id, filter, probe.stack});
    AttachedProbe attached;
    attached.probe = &probe;
    attached.decoder =
        std::make_unique<PathEventDecoder>(format, func, probe.layer, probe.extra_names,
                                           is_return ? "" : probe.lifecycle, probe.decode);
    attached.entry_func = is_return ? func : "";
    by_id_[id] = std::move(attached);
}

}  // namespace ftnt
