#pragma once

#include "cli/options.h"

namespace ftnt {

// The default mode: follow the packets the filter names through the kernel functions they
// pass, one block per packet (or one line per event with --basic).
int run_path_mode(const Options& options);

}  // namespace ftnt
