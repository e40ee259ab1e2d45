#include "discover/kernel_types.h"

#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {

std::vector<std::string> split_member_path(const std::string& path) {
    std::vector<std::string> parts;
    std::stringstream in(path);
    std::string part;
    while (std::getline(in, part, '.')) parts.push_back(part);
    return parts;
}

std::unique_ptr<KernelTypes> KernelTypes::find(const std::string& btf, const std::string& vmlinux,
                                               const std::string& release) {
    if (!btf.empty()) return load(btf);
    if (!vmlinux.empty()) return load_dwarf(vmlinux);
    if (path_exists("/sys/kernel/btf/vmlinux")) return load();
    for (const auto& candidate :
         {"/usr/lib/debug/boot/vmlinux-" + release,
          "/usr/lib/debug/lib/modules/" + release + "/vmlinux", "/boot/vmlinux-" + release,
          "/lib/modules/" + release + "/build/vmlinux"})
        if (path_exists(candidate)) return load_dwarf(candidate);
    throw KernelError(
        "struct offsets: no BTF (/sys/kernel/btf/vmlinux, CONFIG_DEBUG_INFO_BTF) and no vmlinux "
        "with DWARF for " +
        release + ": install the kernel's debug package (Debian: linux-image-" + release +
        "-dbg), or pass --btf FILE or --vmlinux FILE");
}

}  // namespace ftnt
