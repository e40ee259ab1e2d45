// Where debug info lives on Debian-like systems, checked against the running kernel.
#pragma once

#include <string>
#include <vector>

#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {

struct FoundImage {
    std::string path;  // empty when none fits
    std::string why;   // when none fits: what was looked for and what to install
};

// --vmlinux first, else the usual places; a file whose build ID differs from the running
// kernel's (/sys/kernel/notes) is refused with a reason.
FoundImage find_vmlinux(const DebugInfoOptions& options);
// The module's debug file, then its .ko (compressed too), under the usual roots.
std::vector<std::string> module_candidates(const DebugInfoOptions& options,
                                           const std::string& module);

}  // namespace ftnt::symbolize
