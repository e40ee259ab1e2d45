// Rules added with the iptables tools (iptables-legacy / ip6tables-legacy, and iptables-nft
// when there is no nft command): each an RAII object whose destructor deletes it with the
// same specification. Every rule carries `-m comment --comment ftnettrace:<pid>`.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "netfilter/match_args.h"

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
    // Inserts the rule at the top of `chain` (-I). Throws KernelError with the tool's message.
    IptablesRule(std::string command, std::string table, std::string chain,
                 std::vector<std::string> spec);
    ~IptablesRule();  // -D with the same spec; a failure is reported on stderr
    IptablesRule(const IptablesRule&) = delete;
    IptablesRule& operator=(const IptablesRule&) = delete;

  private:
    std::vector<std::string> argv(const char* action) const;
    std::string command_, table_, chain_;
    std::vector<std::string> spec_;
};

using RuleList = std::vector<std::unique_ptr<IptablesRule>>;

// The TRACE target in raw PREROUTING and OUTPUT for each match (ip6tables for family 6).
std::vector<std::string> trace_rule_spec(const RuleMatch& match, int pid);
void add_trace_rules(const IptablesTool& tool, const std::vector<RuleMatch>& matches, int pid,
                     RuleList& rules);
// A rate-limited LOG of ctstate INVALID in filter INPUT, FORWARD and OUTPUT.
inline constexpr const char* kInvalidPrefix = "ftnettrace-invalid: ";
std::vector<std::string> log_invalid_rule_spec(const RuleMatch& match, int pid);
void add_log_invalid_rules(const IptablesTool& tool, const std::vector<RuleMatch>& matches, int pid,
                           RuleList& rules);

// Deletes every rule whose tag names a pid for which `gone(pid)` is true, in the calling
// thread's namespace, for one tool (both families). Returns how many; says each on `out`.
int remove_tagged_rules(const IptablesTool& tool, bool (*gone)(int), const std::string& where,
                        std::ostream& out);

}  // namespace ftnt::netfilter
