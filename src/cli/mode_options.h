// Which options each mode takes: one table, so that an option given to a mode that would
// ignore it is refused (exit 2) with the modes it does go with.
#pragma once

#include <optional>
#include <string>

#include "cli/options.h"

namespace ftnt {

// "--hooks does not apply to --drop (it goes with: path tracing, --iptables-trace)", or
// nothing when `mode` takes `flag` (its long name, "--hooks").
std::optional<std::string> refusal_for(Mode mode, const std::string& flag);

// Firewall steps shown on their own (--steps-only, or a kernel without kprobes) have no packet
// path: throws UsageError for the first flag that only a path can apply, and for --netns given
// with --netns-current.
void refuse_path_flags_without_paths(const Options& options);
void refuse_netns_twice(const Options& options);

// "--drop", "path tracing (the default)", ...
std::string mode_label(Mode mode);

}  // namespace ftnt
