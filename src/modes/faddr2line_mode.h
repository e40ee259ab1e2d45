#pragma once

#include "cli/options.h"

namespace ftnt {

// `ftnettrace faddr2line [--vmlinux FILE] FUNC+0xOFF[/0xSIZE]|0xADDR ...`
int run_faddr2line_mode(const Options& options);

}  // namespace ftnt
