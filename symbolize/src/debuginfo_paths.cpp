#include "debuginfo_paths.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "debug_image.h"

namespace ftnt::symbolize {
namespace {

std::string read_all(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool exists(const std::string& path) {
    return std::filesystem::exists(path);
}

}  // namespace

FoundImage find_vmlinux(const DebugInfoOptions& o) {
    std::vector<std::string> candidates;
    if (!o.vmlinux.empty()) {
        candidates.push_back(o.vmlinux);
    } else {
        const std::string& r = o.kernel_release;
        candidates = {o.debug_root + "/boot/vmlinux-" + r,
                      o.debug_root + "/lib/modules/" + r + "/vmlinux", "/boot/vmlinux-" + r,
                      o.modules_root + "/" + r + "/build/vmlinux"};
    }
    std::string running = build_id_from_notes(read_all(o.notes_path));
    std::string reasons;
    for (const auto& path : candidates) {
        if (!exists(path)) continue;
        try {
            auto image = DebugImage::open(path);
            std::string id = image->build_id();
            if (!running.empty() && !id.empty() && id != running) {
                reasons +=
                    path + " is another build (build ID " + id + ", running " + running + "); ";
                continue;
            }
            return {path, ""};
        } catch (const std::exception& error) {
            reasons += std::string(error.what()) + "; ";
        }
    }
    if (reasons.empty())
        reasons = "no vmlinux with DWARF for " + o.kernel_release + ": install linux-image-" +
                  o.kernel_release + "-dbg or pass --vmlinux FILE";
    else
        reasons.resize(reasons.size() - 2);
    return {"", reasons};
}

std::vector<std::string> module_candidates(const DebugInfoOptions& o, const std::string& module) {
    std::vector<std::string> out;
    std::string base = o.modules_root + "/" + o.kernel_release;
    std::string debug = o.debug_root + "/lib/modules/" + o.kernel_release;
    std::error_code error;
    for (const auto& root : {debug, base}) {
        if (!exists(root)) continue;
        for (auto it = std::filesystem::recursive_directory_iterator(root, error);
             it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
            if (error) break;
            auto name = it->path().filename().string();
            // Module names use '_' where file names may use '-'.
            std::string normalized = name;
            for (auto& c : normalized) c = c == '-' ? '_' : c;
            for (const char* suffix : {".ko", ".ko.xz", ".ko.zst", ".ko.debug"})
                if (normalized == module + suffix) out.push_back(it->path().string());
        }
    }
    return out;
}

}  // namespace ftnt::symbolize
