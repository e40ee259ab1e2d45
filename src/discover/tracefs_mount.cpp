#include "discover/tracefs_mount.h"

#include <sys/mount.h>

#include <cerrno>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

constexpr const char* kTracefs = "/sys/kernel/tracing";
constexpr const char* kDebugfsTracing = "/sys/kernel/debug/tracing";

}  // namespace

std::string find_tracefs() {
    for (const char* candidate : {kTracefs, kDebugfsTracing})
        if (path_exists(std::string(candidate) + "/README")) return candidate;
    return {};
}

TracefsMount::TracefsMount() : path_(find_tracefs()) {
    if (!path_.empty()) return;
    if (::mount("nodev", kTracefs, "tracefs", 0, nullptr) == 0) {
        path_ = kTracefs;
        mounted_here_ = true;
        return;
    }
    int error = errno;
    throw KernelError(errno_message(std::string("tracefs is not mounted and mounting it on ") +
                                        kTracefs +
                                        " failed (kernel without CONFIG_TRACING? run as root)",
                                    error));
}

// Never unmounted: another run (or --cleanup, or another tool) may have started using the
// mount since, and an unmount under it hides its instance from it (it could not remove it).
TracefsMount::~TracefsMount() = default;

}  // namespace ftnt
