#include "discover/netns.h"

#include <sys/stat.h>

#include <charconv>
#include <optional>

#include "cli/values.h"
#include "core/errors.h"

namespace ftnt {
namespace {

std::optional<uint32_t> inode_of(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<uint32_t>(st.st_ino);
}

}  // namespace

uint32_t netns_inode(const std::string& text) {
    bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) {
        // A namespace inode is far above any pid (pid_max is at most 2^22; init_net is
        // 4026531833 on 6.18), so a number above pid_max is an inode, else a pid.
        uint64_t value = 0;
        auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
        if (parsed.ec != std::errc() || value > 0xffffffffull)
            throw UsageError("--netns: '" + shown_value(text) +
                             "' is out of range (an inode or pid is at most 4294967295)");
        if (value > 4194304ull) return static_cast<uint32_t>(value);
        if (auto inode = inode_of("/proc/" + text + "/ns/net")) return *inode;
        throw UsageError("--netns: no process " + text);
    }
    if (auto inode = inode_of("/run/netns/" + text)) return *inode;
    throw UsageError("--netns: '" + text +
                     "' is neither an inode, a pid, nor a name under /run/netns");
}

uint32_t current_netns_inode() {
    auto inode = inode_of("/proc/self/ns/net");
    if (!inode) throw KernelError("cannot read /proc/self/ns/net");
    return *inode;
}

}  // namespace ftnt
