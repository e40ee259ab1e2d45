// What --netns names (an inode, a name under /run/netns, a pid), checked for form only, and
// the caller's own namespace: shared by discover/ and the netfilter library.
#pragma once

#include <cstdint>
#include <string>

namespace ftnt {

struct NetnsName {
    enum class Kind { current, inode, pid, name };
    Kind kind = Kind::current;  // current: the text was empty
    uint32_t number = 0;        // the inode or the pid
    std::string text;
};

// The one parser of that text. A number above PID_MAX_LIMIT (2^22 on 64-bit) is an inode,
// else a pid. Throws UsageError when the text is out of range or a name has a '/'.
NetnsName parse_netns(const std::string& text);

uint32_t current_netns_inode();

}  // namespace ftnt
