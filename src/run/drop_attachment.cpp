#include "run/drop_attachment.h"

#include <event-parse.h>
#include <unistd.h>

#include "core/errors.h"
#include "discover/kernel_env.h"
#include "discover/kernel_types.h"
#include "plan/drop_point_plan.h"
#include "plan/path_plan.h"

namespace ftnt {

DropPoint setup_drop_point(const DropRunOptions& options, const std::string& tracefs,
                           const TracefsFeatures& features, const DropReasonTable& reasons,
                           EventFormats& formats, TraceInstance& instance) {
    DropPoint point;
    if (!features.kprobe_events || !features.fetch_arrays) {
        point.why_not = features.kprobe_events ? "kprobe array fetchargs need 4.20"
                                               : "this kernel has no kprobe_events";
        return point;
    }
    std::unique_ptr<KernelTypes> types;
    try {
        types = KernelTypes::find(options.btf, options.vmlinux, kernel_release());
    } catch (const KernelError& error) {
        point.why_not = std::string("no struct offsets: ") + error.what();
        return point;
    }
    auto functions = ProbeableFunctions::read(tracefs);
    DropPointPlan plan = plan_drop_point(options, reasons, functions, *types);
    if (!plan.probe) {
        point.why_not = plan.why_not;
        return point;
    }
    std::string group = dynamic_group_for_pid(::getpid());
    try {
        point.event = std::make_unique<DynamicEvent>(tracefs, group, plan.probe->kprobe);
    } catch (const KernelError& error) {
        point.why_not = error.what();
        return point;
    }
    point.format = formats.load(tracefs, group, plan.probe->kprobe.event);
    if (!point.format) {
        point.event.reset();
        point.why_not = "the kprobe has no format file";
        return point;
    }
    const std::string& filter = plan.probe->filter;
    if (auto error = instance.try_filter(group, plan.probe->kprobe.event, filter); !error.empty())
        throw KernelError("the kernel refused the filter \"" + filter + "\" on " +
                          plan.probe->function + ": " + error);
    point.request = {group, plan.probe->kprobe.event, static_cast<uint64_t>(point.format->id),
                     filter, false};
    point.function = plan.probe->function;
    return point;
}

DropAttachment::DropAttachment(DropPoint drop_point, RingOptions rings)
    : point(std::move(drop_point)), reader(online_cpus(), rings) {}

}  // namespace ftnt
