// A sysctl changed for the length of a run (nf_log binding, nf_log_all_netns), restored by
// the destructor; the change is recorded in the run's state file first.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/unique_fd.h"
#include "netfilter/run_state.h"

namespace ftnt::netfilter {

// "net/netfilter/nf_log/2" -> "net.netfilter.nf_log.2"
std::string sysctl_name(const std::string& key);
// Reads /proc/sys/<key> in the calling thread's namespace, trimmed.
std::optional<std::string> read_sysctl(const std::string& key);

class SysctlSetting {
  public:
    // Sets /proc/sys/<key> of the calling thread's namespace (inode `netns`) to `value`.
    // When it already has that value because another live run set it, this run takes over
    // that run's old value, so whichever ends last restores it. Throws KernelError.
    SysctlSetting(RunState& state, uint32_t netns, std::string key, std::string value,
                  std::ostream& log);
    ~SysctlSetting();
    SysctlSetting(const SysctlSetting&) = delete;
    SysctlSetting& operator=(const SysctlSetting&) = delete;

    bool changed() const { return restore_; }
    bool restored() const { return restored_; }

  private:
    RunState& state_;
    uint32_t netns_;
    std::string key_, old_, new_;
    UniqueFd fd_;  // opened in the target namespace: writes go there wherever we are later
    bool restore_ = false;
    bool restored_ = false;
    std::ostream& log_;
};

}  // namespace ftnt::netfilter
