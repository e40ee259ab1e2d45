// Network namespaces named on the command line: an inode, a name under /run/netns, a pid.
#pragma once

#include <cstdint>
#include <string>

#include "core/netns_name.h"

namespace ftnt {

// The inode of the namespace `text` names (parse_netns' forms). Throws UsageError when the
// text names no namespace.
uint32_t netns_inode(const std::string& text);

}  // namespace ftnt
