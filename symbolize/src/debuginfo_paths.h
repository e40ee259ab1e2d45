// Where debug info lives on Debian-like systems, checked against the running kernel.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "debug_image.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {

struct FoundImage {
    std::unique_ptr<DebugImage> image;  // null when none fits
    std::string why;                    // when none fits: what was looked for and what to do
    bool build_id_checked = false;      // false when the running kernel's ID was unreadable
};

// The places looked at for the running kernel's vmlinux, --vmlinux alone when given.
std::vector<std::string> vmlinux_candidates(const DebugInfoOptions& options);
// The first candidate with DWARF whose build ID is the running kernel's (/sys/kernel/notes);
// the others are refused with a reason.
FoundImage find_vmlinux(const DebugInfoOptions& options);
// The module's debug file, then its .ko (compressed too), as modules.dep names it.
std::vector<std::string> module_candidates(const DebugInfoOptions& options,
                                           const std::string& module);

}  // namespace ftnt::symbolize
