#pragma once

#include "cli/options.h"

namespace ftnt {

// `ftnettrace --check`: what this kernel can trace, which catalog points exist, and where
// struct offsets come from.
int run_check_mode(const Options& options);

}  // namespace ftnt
