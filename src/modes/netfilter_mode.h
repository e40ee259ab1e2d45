#pragma once

#include "cli/options.h"

namespace ftnt {

// `ftnettrace --iptables-trace` / `--log-invalid`: TRACE and LOG rules set up for the filter,
// their output read and shown, every rule and sysctl restored on exit.
int run_netfilter_mode(const Options& options);

}  // namespace ftnt
