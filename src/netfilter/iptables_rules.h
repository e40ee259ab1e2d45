// Rules added with the iptables tools (iptables-legacy / ip6tables-legacy, and iptables-nft
// when there is no nft command): each an RAII object whose destructor deletes it with the
// same specification. Every rule carries `-m comment --comment ftnettrace:<pid>`.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "netfilter/match_args.h"
#include "netfilter/run_state.h"

namespace ftnt::netfilter {

struct IptablesTool {
    std::string name;    // "iptables-legacy" or "iptables-nft": the backend's name in output
    std::string v4, v6;  // the commands: "iptables-legacy", "ip6tables-legacy"
    std::string v4_save, v6_save;  // "iptables-legacy-save", ...
    const std::string& command(int family) const { return family == 6 ? v6 : v4; }
    const std::string& save_command(int family) const { return family == 6 ? v6_save : v4_save; }
};
IptablesTool legacy_tool();
IptablesTool nft_compat_tool();

class IptablesRule {
  public:
    // Records the rule in the run's state file, then inserts it at the top of `chain` (-I).
    // Throws KernelError with the tool's message.
    IptablesRule(RunState& state, std::string command, std::string table, std::string chain,
                 std::vector<std::string> spec);
    // -D with the same spec, then the record goes; a failure is reported on stderr and the
    // record stays for --cleanup.
    ~IptablesRule();
    IptablesRule(const IptablesRule&) = delete;
    IptablesRule& operator=(const IptablesRule&) = delete;

  private:
    std::vector<std::string> argv(const char* action) const;
    RunState& state_;
    RuleRecord record_;
};

using RuleList = std::vector<std::unique_ptr<IptablesRule>>;

// The TRACE target in raw PREROUTING and OUTPUT for each match (ip6tables for family 6).
std::vector<std::string> trace_rule_spec(const RuleMatch& match, int pid);
void add_trace_rules(RunState& state, const IptablesTool& tool,
                     const std::vector<RuleMatch>& matches, RuleList& rules);
// The prefix of a run's announcing LOG lines, "ftnettrace:<pid>.<8 hex> " (a random part: two
// runs in two pid namespaces may share a pid; the kernel keeps at most 29 characters).
std::string announce_prefix(int pid);
// A LOG rule (same match, TCP sequence numbers logged as TRACE logs them) above each TRACE
// rule: its line announces a packet of this namespace before that packet's TRACE lines.
std::vector<std::string> announce_rule_spec(const RuleMatch& match, int pid,
                                            const std::string& prefix);
void add_announce_rules(RunState& state, const IptablesTool& tool,
                        const std::vector<RuleMatch>& matches, const std::string& prefix,
                        RuleList& rules);
// A rate-limited LOG of ctstate INVALID in filter INPUT, FORWARD and OUTPUT.
inline constexpr const char* kInvalidPrefix = "ftnettrace-invalid: ";
std::vector<std::string> log_invalid_rule_spec(const RuleMatch& match, int pid);
void add_log_invalid_rules(RunState& state, const IptablesTool& tool,
                           const std::vector<RuleMatch>& matches, RuleList& rules);

// Deletes a rule a dead run recorded, in the calling thread's namespace, matched exactly by
// its spec (-D); a rule no longer there counts as removed. False with the tool's message.
bool delete_recorded_rule(const RuleRecord& rule, std::string* error);
// "-t raw -A PREROUTING -p icmp ..."
std::string rule_text_of(const RuleRecord& rule);

}  // namespace ftnt::netfilter
