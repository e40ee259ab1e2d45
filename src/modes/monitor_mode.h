// --monitor: counts of drops, resets, retransmits and lost events as Prometheus metrics.
#pragma once

#include "cli/options.h"

namespace ftnt {

int run_monitor_mode(const Options& options);

}  // namespace ftnt
