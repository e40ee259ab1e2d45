#include "attach/perf_event.h"

#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "core/errors.h"

namespace ftnt {
namespace {

int perf_event_open(perf_event_attr* attr, int cpu) {
    return static_cast<int>(
        ::syscall(SYS_perf_event_open, attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC));
}

std::string open_failure_hint(int error) {
    if (error == EACCES || error == EPERM)
        return " (needs root, or CAP_PERFMON and kernel.perf_event_paranoid <= -1)";
    if (error == ENOENT || error == ENODEV) return " (tracepoint not available on this kernel)";
    return {};
}

}  // namespace

uint64_t default_sample_type() {
    return PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
           PERF_SAMPLE_RAW;
}

PerfEvent::PerfEvent(const PerfEventSpec& spec, int cpu) : cpu_(cpu) {
    perf_event_attr attr = {};
    attr.type = PERF_TYPE_TRACEPOINT;
    attr.size = sizeof attr;
    attr.config = spec.tracepoint_id;
    attr.sample_period = spec.counting ? 0 : 1;
    attr.sample_type =
        spec.counting ? 0 : spec.sample_type | (spec.callchain ? PERF_SAMPLE_CALLCHAIN : 0);
    attr.sample_id_all = 1;
    attr.use_clockid = 1;
    attr.clockid = CLOCK_MONOTONIC;
    attr.exclude_callchain_user = 1;
    attr.disabled = 1;
    attr.comm = spec.track_tasks ? 1 : 0;
    attr.task = spec.track_tasks ? 1 : 0;
    attr.watermark = 1;
    attr.wakeup_watermark = spec.wakeup_bytes ? spec.wakeup_bytes : 4096;
    attr.read_format = spec.counting ? 0 : PERF_FORMAT_LOST;
    fd_ = UniqueFd(perf_event_open(&attr, cpu));
    counts_lost_ = fd_.valid() && !spec.counting;
    if (!fd_.valid() && errno == EINVAL) {  // PERF_FORMAT_LOST is 6.0+
        attr.read_format = 0;
        fd_ = UniqueFd(perf_event_open(&attr, cpu));
    }
    if (!fd_.valid()) {
        int error = errno;
        throw KernelError(errno_message("perf_event_open of tracepoint " +
                                            std::to_string(spec.tracepoint_id) + " on cpu " +
                                            std::to_string(cpu),
                                        error) +
                          open_failure_hint(error));
    }
    if (::ioctl(fd_.get(), PERF_EVENT_IOC_ID, &id_) < 0)
        throw KernelError(errno_message("PERF_EVENT_IOC_ID", errno));
}

void PerfEvent::redirect_output_to(const PerfEvent& ring_owner) {
    if (::ioctl(fd_.get(), PERF_EVENT_IOC_SET_OUTPUT, ring_owner.fd().get()) < 0)
        throw KernelError(errno_message("PERF_EVENT_IOC_SET_OUTPUT", errno));
}

int PerfEvent::set_filter(const std::string& filter) {
    if (filter.empty()) return 0;
    return ::ioctl(fd_.get(), PERF_EVENT_IOC_SET_FILTER, filter.c_str()) < 0 ? errno : 0;
}

void PerfEvent::enable() {
    if (::ioctl(fd_.get(), PERF_EVENT_IOC_ENABLE, 0) < 0)
        throw KernelError(errno_message("PERF_EVENT_IOC_ENABLE", errno));
}

void PerfEvent::disable() {
    ::ioctl(fd_.get(), PERF_EVENT_IOC_DISABLE, 0);
}

std::optional<uint64_t> PerfEvent::lost_samples() const {
    if (!counts_lost_) return std::nullopt;
    struct {
        uint64_t value;
        uint64_t lost;
    } counts = {};
    if (::read(fd_.get(), &counts, sizeof counts) != sizeof counts) return std::nullopt;
    return counts.lost;
}

uint64_t PerfEvent::count() const {
    uint64_t value = 0;
    if (::read(fd_.get(), &value, sizeof value) != sizeof value) return 0;
    return value;
}

}  // namespace ftnt
