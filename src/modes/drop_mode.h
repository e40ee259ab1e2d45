#pragma once

#include "cli/options.h"

namespace ftnt {

// `ftnettrace --drop`: discover -> plan -> attach -> read -> decode -> track -> output.
int run_drop_mode(const Options& options);

}  // namespace ftnt
