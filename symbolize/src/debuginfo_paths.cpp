#include "debuginfo_paths.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "build_id.h"
#include "module_file.h"

namespace ftnt::symbolize {
namespace {

bool exists(const std::string& path) {
    std::error_code ignored;
    return std::filesystem::exists(path, ignored);
}

std::string join(const std::vector<std::string>& parts, const std::string& separator) {
    std::string out;
    for (const auto& part : parts) out += (out.empty() ? "" : separator) + part;
    return out;
}

}  // namespace

std::vector<std::string> vmlinux_candidates(const DebugInfoOptions& o) {
    if (!o.vmlinux.empty()) return {o.vmlinux};
    const std::string& r = o.kernel_release;
    return {o.debug_root + "/boot/vmlinux-" + r, o.debug_root + "/lib/modules/" + r + "/vmlinux",
            "/boot/vmlinux-" + r, o.modules_root + "/" + r + "/build/vmlinux"};
}

FoundImage find_vmlinux(const DebugInfoOptions& o) {
    FoundImage found;
    std::string running = running_build_id(o.notes_path);
    found.build_id_checked = !running.empty();
    std::vector<std::string> reasons;
    for (const auto& path : vmlinux_candidates(o)) {
        if (!exists(path)) {
            if (!o.vmlinux.empty()) reasons.push_back(path + " does not exist");
            continue;
        }
        try {
            auto image = DebugImage::open(path);
            if (auto why = build_id_mismatch(path, image->build_id(), running); !why.empty()) {
                reasons.push_back(why);
                continue;
            }
            if (!image->has_lines()) {
                reasons.push_back(path + " has no DWARF debug information");
                continue;
            }
            found.image = std::move(image);
            return found;
        } catch (const std::exception& error) {
            reasons.push_back(error.what());
        }
    }
    if (reasons.empty())
        reasons.push_back("no vmlinux with DWARF for " + o.kernel_release + " in " +
                          join(vmlinux_candidates(o), ", ") + ": install linux-image-" +
                          o.kernel_release + "-dbg or pass --vmlinux FILE");
    found.why = join(reasons, "; ");
    return found;
}

std::vector<std::string> module_candidates(const DebugInfoOptions& o, const std::string& module) {
    // modules.dep names every module's file ("kernel/net/netfilter/nf_tables.ko.xz: ...");
    // the debug package mirrors those paths, uncompressed, under /usr/lib/debug. No directory
    // walk: on a large tree (or over 9p) that takes minutes.
    std::string base = o.modules_root + "/" + o.kernel_release;
    std::ifstream dep(base + "/modules.dep");
    std::string line;
    std::vector<std::string> out;
    while (std::getline(dep, line)) {
        std::string path = line.substr(0, line.find(':'));
        if (module_name_of(path) != module) continue;
        std::string plain = path.substr(0, path.find(".ko") + 3);
        std::string debug = o.debug_root + "/lib/modules/" + o.kernel_release + "/";
        for (const auto& candidate : {debug + plain, debug + path, base + "/" + path})
            if (exists(candidate) && (out.empty() || out.back() != candidate))
                out.push_back(candidate);
        break;
    }
    return out;
}

}  // namespace ftnt::symbolize
