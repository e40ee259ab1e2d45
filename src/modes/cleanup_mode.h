#pragma once

#include "cli/options.h"

namespace ftnt {

// `ftnettrace --cleanup`: removes what runs that are gone (SIGKILL) left in the kernel.
int run_cleanup_mode(const Options& options);

}  // namespace ftnt
