// Network namespaces named on the command line: an inode, a name under /run/netns, a pid.
#pragma once

#include <cstdint>
#include <string>

namespace ftnt {

// What --netns names, checked for form only (the one parser of that text).
struct NetnsName {
    enum class Kind { current, inode, pid, name };
    Kind kind = Kind::current;  // current: the text was empty
    uint32_t number = 0;        // the inode or the pid
    std::string text;
};

// A number above PID_MAX_LIMIT (2^22 on 64-bit) is an inode, else a pid. Throws UsageError
// when the text is out of range or a name has a '/'.
NetnsName parse_netns(const std::string& text);

// Throws UsageError when the text names no namespace.
uint32_t netns_inode(const std::string& text);
uint32_t current_netns_inode();

}  // namespace ftnt
