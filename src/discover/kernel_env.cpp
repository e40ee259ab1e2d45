#include "discover/kernel_env.h"

#include <sys/utsname.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {

void require_root() {
    if (::geteuid() != 0)
        throw KernelError(
            "ftnettrace needs root: it creates tracefs instances and opens perf events on every "
            "CPU (run it with sudo)");
}

std::vector<int> online_cpus() {
    auto text = read_text_file("/sys/devices/system/cpu/online");
    if (!text) throw KernelError("cannot read /sys/devices/system/cpu/online");
    return parse_cpu_list(*text);
}

std::string kernel_release() {
    utsname name;
    ::uname(&name);
    return name.release;
}

symbolize::DebugInfoOptions debug_info_options(const std::string& vmlinux) {
    symbolize::DebugInfoOptions options;
    options.vmlinux = vmlinux;
    options.kernel_release = kernel_release();
    return options;
}

}  // namespace ftnt
