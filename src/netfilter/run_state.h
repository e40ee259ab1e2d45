// /run/ftnettrace/<pid>.state: what a run changed outside its own rules (sysctls) and which
// namespace it worked in, so `--cleanup` can undo a run that was killed (SIGKILL) and a
// concurrent run does not restore a sysctl another live run still needs.
//
//   netns 4026532290 /run/netns/ftnt-1-b
//   sysctl 4026531840 net/netfilter/nf_log_all_netns 0 1      (netns inode, key, old, new)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ftnt::netfilter {

inline constexpr const char* kStateDir = "/run/ftnettrace";

struct SysctlRecord {
    uint32_t netns = 0;
    std::string key;  // under /proc/sys, with slashes: "net/netfilter/nf_log/2"
    std::string old_value, new_value;
};

struct StateFile {
    int pid = 0;
    std::string path;
    uint32_t netns_inode = 0;
    std::string netns_path;
    std::vector<SysctlRecord> sysctls;
};

// Parses one state file's text; lines it does not know are skipped.
StateFile parse_state(const std::string& text);
std::string format_state(const StateFile& state);
// Every state file under /run/ftnettrace.
std::vector<StateFile> read_state_files();

// The state file of this run: written on every change, removed by the destructor.
class RunState {
  public:
    RunState(int pid, uint32_t netns_inode, const std::string& netns_path);
    ~RunState();
    RunState(const RunState&) = delete;
    RunState& operator=(const RunState&) = delete;

    void add_sysctl(const SysctlRecord& record);
    void remove_sysctl(uint32_t netns, const std::string& key);
    int pid() const { return state_.pid; }

  private:
    void write() const;
    StateFile state_;
};

}  // namespace ftnt::netfilter
