#include "netfilter/namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>

#include <cerrno>
#include <optional>
#include <set>

#include "core/errors.h"
#include "core/netns_name.h"
#include "core/shown_value.h"
#include "core/text_file.h"

namespace ftnt::netfilter {
namespace {

std::optional<uint32_t> inode_of(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<uint32_t>(st.st_ino);
}

bool all_digits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

// A namespace given by inode has no path of its own: find a name or a process in it.
std::optional<std::string> path_of_inode(uint32_t inode) {
    for (const auto& name : list_directory("/run/netns"))
        if (inode_of("/run/netns/" + name) == inode) return "/run/netns/" + name;
    for (const auto& entry : list_directory("/proc")) {
        if (!all_digits(entry)) continue;
        std::string path = "/proc/" + entry + "/ns/net";
        if (inode_of(path) == inode) return path;
    }
    return std::nullopt;
}

constexpr uint32_t kProcNetInitInode = 0xEFFFFFF9u;

}  // namespace

uint32_t init_netns_inode() {
    // pid 1's namespace when we may look (not in every sandbox), else the fixed inode the
    // kernel gives init_net (PROC_NET_INIT_INO, 0xEFFFFFF9, on recent kernels; older ones give it
    // a dynamic one, and there /proc/1/ns/net is readable to root).
    if (auto inode = inode_of("/proc/1/ns/net")) return *inode;
    return kProcNetInitInode;
}

NetnsTarget resolve_netns(const std::string& text) {
    NetnsTarget target;
    NetnsName name = parse_netns(text);
    switch (name.kind) {
        case NetnsName::Kind::current:
            target.path = "/proc/self/ns/net";
            target.label = "current";
            break;
        case NetnsName::Kind::inode: {
            auto path = path_of_inode(name.number);
            if (!path)
                throw UsageError(
                    "--netns: no name under /run/netns and no process is in namespace " +
                    shown_value(text));
            target.path = *path;
            target.label = text;
            break;
        }
        case NetnsName::Kind::pid:
            target.path = "/proc/" + text + "/ns/net";
            target.label = "pid " + text;
            if (!inode_of(target.path))
                throw UsageError("--netns: no process " + shown_value(text));
            break;
        case NetnsName::Kind::name:
            target.path = "/run/netns/" + text;
            target.label = text;
            if (!inode_of(target.path))
                throw UsageError("--netns: '" + shown_value(text) +
                                 "' is neither an inode, a pid, nor a name under /run/netns");
            break;
    }
    auto inode = inode_of(target.path);
    if (!inode) throw UsageError("--netns: cannot open " + target.path);
    target.inode = *inode;
    target.is_init = target.inode == init_netns_inode();
    if (target.is_init && text.empty()) target.label = "init";
    return target;
}

std::vector<NetnsTarget> namespaces_to_sweep(const std::vector<std::string>& extra_paths) {
    std::vector<NetnsTarget> all;
    std::set<uint32_t> seen;
    auto add = [&](const std::string& path, const std::string& label) {
        auto inode = inode_of(path);
        if (!inode || !seen.insert(*inode).second) return;
        NetnsTarget target{path, *inode, label, false};
        target.is_init = *inode == init_netns_inode();
        all.push_back(target);
    };
    add("/proc/1/ns/net", "init");
    add("/proc/self/ns/net", "current");
    for (const auto& name : list_directory("/run/netns")) add("/run/netns/" + name, name);
    for (const auto& path : extra_paths) add(path, path);
    return all;
}

NetnsEnter::NetnsEnter(const NetnsTarget& target)
    : previous_(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    if (!previous_.valid())
        throw KernelError(errno_message("open /proc/thread-self/ns/net", errno));
    UniqueFd next(::open(target.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!next.valid()) throw KernelError(errno_message("open " + target.path, errno));
    if (::setns(next.get(), CLONE_NEWNET) != 0)
        throw KernelError(errno_message("setns " + target.path, errno));
}

NetnsEnter::~NetnsEnter() {
    if (previous_.valid()) ::setns(previous_.get(), CLONE_NEWNET);
}

}  // namespace ftnt::netfilter
