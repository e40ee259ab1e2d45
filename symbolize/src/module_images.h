// The debug images of loaded modules, opened on first use and kept (null: none usable).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "debug_image.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {

class ModuleImages {
  public:
    explicit ModuleImages(DebugInfoOptions options) : options_(std::move(options)) {}
    // The module's debug file or .ko with DWARF whose build ID is the loaded module's
    // (/sys/module/NAME/notes); null when there is none.
    DebugImage* find(const std::string& module);

  private:
    std::unique_ptr<DebugImage> open_first_usable(const std::string& module) const;

    DebugInfoOptions options_;
    std::map<std::string, std::unique_ptr<DebugImage>> images_;
};

}  // namespace ftnt::symbolize
