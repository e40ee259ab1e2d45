#include "module_images.h"

#include "build_id.h"
#include "debuginfo_paths.h"

namespace ftnt::symbolize {

DebugImage* ModuleImages::find(const std::string& module) {
    auto it = images_.find(module);
    if (it == images_.end()) it = images_.emplace(module, open_first_usable(module)).first;
    return it->second.get();
}

std::unique_ptr<DebugImage> ModuleImages::open_first_usable(const std::string& module) const {
    std::string loaded =
        running_build_id(options_.sys_module_root + "/" + module + "/notes/.note.gnu.build-id");
    for (const auto& path : module_candidates(options_, module)) {
        try {
            auto image = DebugImage::open(path);
            if (image->has_lines() && build_id_mismatch(path, image->build_id(), loaded).empty())
                return image;
        } catch (const std::exception&) {
            // Unreadable or corrupt: the next candidate may do.
        }
    }
    return nullptr;
}

}  // namespace ftnt::symbolize
