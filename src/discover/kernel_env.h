// Facts about the running kernel and the caller that every mode checks first.
#pragma once

#include <string>
#include <vector>

namespace ftnt {

// Throws KernelError with one line when the caller is not root.
void require_root();
std::vector<int> online_cpus();
std::string kernel_release();
bool process_alive(int pid);

}  // namespace ftnt
