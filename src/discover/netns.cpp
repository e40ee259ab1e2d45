#include "discover/netns.h"

#include <sys/stat.h>

#include <optional>

#include "core/errors.h"
#include "core/shown_value.h"

namespace ftnt {
namespace {

std::optional<uint32_t> inode_of(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<uint32_t>(st.st_ino);
}

}  // namespace

uint32_t netns_inode(const std::string& text) {
    NetnsName name = parse_netns(text);
    switch (name.kind) {
        case NetnsName::Kind::current:
            return current_netns_inode();
        case NetnsName::Kind::inode:
            return name.number;
        case NetnsName::Kind::pid:
            if (auto inode = inode_of("/proc/" + text + "/ns/net")) return *inode;
            throw UsageError("--netns: no process " + shown_value(text));
        case NetnsName::Kind::name:
            break;
    }
    if (auto inode = inode_of("/run/netns/" + text)) return *inode;
    throw UsageError("--netns: '" + shown_value(text) +
                     "' is neither an inode, a pid, nor a name under /run/netns");
}

}  // namespace ftnt
