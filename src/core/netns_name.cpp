#include "core/netns_name.h"

#include <sys/stat.h>

#include <charconv>

#include "core/errors.h"
#include "core/shown_value.h"

namespace ftnt {
namespace {

constexpr uint64_t kPidMaxLimit = 4u << 20;  // PID_MAX_LIMIT on 64-bit

}  // namespace

NetnsName parse_netns(const std::string& text) {
    NetnsName name;
    name.text = text;
    if (text.empty()) return name;
    bool digits = text.find_first_not_of("0123456789") == std::string::npos;
    if (!digits) {
        if (text.find('/') != std::string::npos)
            throw UsageError("--netns: '" + shown_value(text) + "' is not a name under /run/netns");
        name.kind = NetnsName::Kind::name;
        return name;
    }
    // A namespace inode is far above any pid (init_net is 4026531833 on 6.18).
    uint64_t value = 0;
    auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc() || value > 0xffffffffull)
        throw UsageError("--netns: '" + shown_value(text) +
                         "' is out of range (an inode or pid is at most 4294967295)");
    name.kind = value > kPidMaxLimit ? NetnsName::Kind::inode : NetnsName::Kind::pid;
    name.number = static_cast<uint32_t>(value);
    return name;
}

uint32_t current_netns_inode() {
    struct stat st;
    if (::stat("/proc/self/ns/net", &st) != 0) throw KernelError("cannot read /proc/self/ns/net");
    return static_cast<uint32_t>(st.st_ino);
}

}  // namespace ftnt
