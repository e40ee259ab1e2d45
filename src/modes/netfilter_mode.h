#pragma once

#include "cli/options.h"

namespace ftnt {

// `ftnettrace --iptables-trace` / `--log-invalid`: TRACE (and LOG) rules for the filter in the
// target namespace, whichever firewall backend it uses, each step of the matching packets
// through the tables with the rule's text and verdict; everything removed at exit.
int run_netfilter_mode(const Options& options);

}  // namespace ftnt
