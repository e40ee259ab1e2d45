// /run/ftnettrace/<pid>.state: every run keeps one, locked (flock) for as long as it lives,
// so `--cleanup` tells a live run from a dead one whatever pid namespace either is in (a pid
// alone says nothing across namespaces). It records what the run changed outside its trace
// instance and kprobe group, before changing it: sysctls (with the value from before any run
// changed them), iptables rules and nft tables, exactly as created, so that --cleanup removes
// those and nothing else.
//
//   netns 4026532290 /run/netns/ftnt-1-b
//   sysctl 4026531840 net/netfilter/nf_log_all_netns 0 1      (netns inode, key, old, new)
//   rule iptables-legacy raw PREROUTING -p icmp -m comment --comment ftnettrace:12 -j TRACE
//   table inet ftnettrace_12
//   end
// Rule words are percent-encoded (%20 for a blank, %25, %0a): one rule is one line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/unique_fd.h"

namespace ftnt::netfilter {

inline constexpr const char* kStateDir = "/run/ftnettrace";

struct SysctlRecord {
    uint32_t netns = 0;
    std::string key;  // under /proc/sys, with slashes: "net/netfilter/nf_log/2"
    std::string old_value, new_value;
};

struct RuleRecord {
    std::string command;  // "iptables-legacy", "ip6tables-nft", ...
    std::string table, chain;
    std::vector<std::string> spec;  // the words after the chain, as given to -I
    bool operator==(const RuleRecord&) const = default;
};

struct TableRecord {
    std::string family, name;  // "inet", "ftnettrace_12"
    bool operator==(const TableRecord&) const = default;
};

struct StateFile {
    int pid = 0;
    std::string path;
    uint32_t netns_inode = 0;  // where its rules and tables are
    std::string netns_path;
    std::vector<SysctlRecord> sysctls;
    std::vector<RuleRecord> rules;
    std::vector<TableRecord> tables;
};

// Parses one state file's text; lines it does not know are skipped, nothing after "end".
StateFile parse_state(const std::string& text);
std::string format_state(const StateFile& state);
// Every state file under /run/ftnettrace.
std::vector<StateFile> read_state_files();
std::string state_path(int pid);

// Whether the run `pid` (a pid in its own namespace, as in its names) is alive: its state
// file is locked. Without a state file (a run of an older version), whether the pid exists.
bool run_alive(int pid);

// The state file of this run, created and locked by the constructor; the destructor removes
// it when nothing recorded is left (a record left is for --cleanup).
class RunState {
  public:
    explicit RunState(int pid);  // throws KernelError
    ~RunState();
    RunState(const RunState&) = delete;
    RunState& operator=(const RunState&) = delete;

    void set_netns(uint32_t inode, const std::string& path);
    void add_sysctl(const SysctlRecord& record);
    void remove_sysctl(uint32_t netns, const std::string& key);
    void add_rule(const RuleRecord& rule);
    void remove_rule(const RuleRecord& rule);
    void add_table(const TableRecord& table);
    void remove_table(const TableRecord& table);
    int pid() const { return state_.pid; }

  private:
    void write() const;
    StateFile state_;
    UniqueFd fd_;  // holds the lock
};

}  // namespace ftnt::netfilter
