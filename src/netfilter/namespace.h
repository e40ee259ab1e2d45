// The network namespace a netfilter run works in, and entering it for the run's lifetime.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/unique_fd.h"

namespace ftnt::netfilter {

struct NetnsTarget {
    std::string path;  // a file setns() accepts: /run/netns/NAME, /proc/PID/ns/net
    uint32_t inode = 0;
    std::string label;     // "ftnt-1-b", "pid 123", "init", "current"
    bool is_init = false;  // the initial namespace (the one of pid 1)
};

// `text` as --netns takes it (inode, name under /run/netns, pid); empty: the caller's own.
// Throws UsageError when it names no namespace.
NetnsTarget resolve_netns(const std::string& text);
uint32_t init_netns_inode();
// Every namespace --cleanup looks in: the initial one, /run/netns/*, and `extra` paths
// (recorded by runs that are gone), each once (by inode).
std::vector<NetnsTarget> namespaces_to_sweep(const std::vector<std::string>& extra_paths);

// While alive, the calling thread (ftnettrace is single-threaded here) is in `target`, and so
// are the tools it starts; the destructor returns to the namespace it came from.
class NetnsEnter {
  public:
    explicit NetnsEnter(const NetnsTarget& target);
    ~NetnsEnter();
    NetnsEnter(const NetnsEnter&) = delete;
    NetnsEnter& operator=(const NetnsEnter&) = delete;

  private:
    UniqueFd previous_;
};

}  // namespace ftnt::netfilter
