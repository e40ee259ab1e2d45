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
    // modules.dep names every module's file ("kernel/net/netfilter/nf_tables.ko: ..."); the
    // debug package mirrors those paths under /usr/lib/debug. No directory walk: on a large
    // tree (or over 9p) that takes minutes.
    std::string base = o.modules_root + "/" + o.kernel_release;
    std::istringstream dep(read_all(base + "/modules.dep"));
    std::string line;
    std::vector<std::string> out;
    while (std::getline(dep, line)) {
        std::string path = line.substr(0, line.find(':'));
        std::string name = path.substr(path.rfind('/') + 1);
        name = name.substr(0, name.find(".ko"));
        for (auto& c : name) c = c == '-' ? '_' : c;
        if (name != module) continue;
        std::string plain = path.substr(0, path.find(".ko") + 3);
        for (const auto& candidate :
             {o.debug_root + "/lib/modules/" + o.kernel_release + "/" + plain,
              o.debug_root + "/lib/modules/" + o.kernel_release + "/" + path, base + "/" + path})
            if (exists(candidate)) out.push_back(candidate);
        break;
    }
    return out;
}

}  // namespace ftnt::symbolize
