// The one boundary between the command line and the stages: each stage's options made from
// the parsed Options, so that plan/ and netfilter/ never see the whole command line.
#pragma once

#include "cli/options.h"
#include "ftnettrace/packet_filter.h"
#include "netfilter/firewall_trace.h"
#include "plan/drop_options.h"

namespace ftnt {

// -s -d --addr -S -D -P and --proto as given.
filters::FilterFlags filter_flags_of(const Options& options);

DropRunOptions drop_run_options(const Options& options);

netfilter::FirewallOptions firewall_options(const Options& options);

}  // namespace ftnt
