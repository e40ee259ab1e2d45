// Network namespaces named on the command line: an inode, a name under /run/netns, a pid.
#pragma once

#include <cstdint>
#include <string>

namespace ftnt {

// Throws UsageError when the text names no namespace.
uint32_t netns_inode(const std::string& text);
uint32_t current_netns_inode();

}  // namespace ftnt
