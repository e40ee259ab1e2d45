// Facts about the running kernel and the caller that every mode checks first.
#pragma once

#include <string>
#include <vector>

#include "ftnettrace/symbolize.h"

namespace ftnt {

// Throws KernelError with one line when the caller is not root.
void require_root();
std::vector<int> online_cpus();
std::string kernel_release();
// Where symbolize/ looks for debug info: --vmlinux, else the usual places for this kernel.
symbolize::DebugInfoOptions debug_info_options(const std::string& vmlinux);

}  // namespace ftnt
