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

// "--drop", "path tracing (the default)", ...
std::string mode_label(Mode mode);

}  // namespace ftnt
