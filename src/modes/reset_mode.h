#pragma once

#include "cli/options.h"

namespace ftnt {

// --reset: every TCP reset sent or received, one record each, with the process, the socket
// state, the kernel's reset reason, the stack and a one-line cause.
int run_reset_mode(const Options& options);

}  // namespace ftnt
