#include "netfilter/iptables_rules.h"

#include <iostream>

#include "core/errors.h"
#include "core/text_file.h"
#include "netfilter/command.h"
#include "netfilter/rule_text.h"

namespace ftnt::netfilter {

IptablesTool legacy_tool() {
    return {"iptables-legacy", "iptables-legacy", "ip6tables-legacy", "iptables-legacy-save",
            "ip6tables-legacy-save"};
}

IptablesTool nft_compat_tool() {
    return {"iptables-nft", "iptables-nft", "ip6tables-nft", "iptables-nft-save",
            "ip6tables-nft-save"};
}

IptablesRule::IptablesRule(std::string command, std::string table, std::string chain,
                           std::vector<std::string> spec)
    : command_(std::move(command)),
      table_(std::move(table)),
      chain_(std::move(chain)),
      spec_(std::move(spec)) {
    auto result = run_command(argv("-I"));
    if (!result.ok()) throw KernelError(command_text(argv("-I")) + " failed: " + trim(result.err));
}

IptablesRule::~IptablesRule() {
    auto result = run_command(argv("-D"));
    if (!result.ok())
        std::cerr << "ftnettrace: " << command_text(argv("-D")) << " failed: " << trim(result.err)
                  << "; `ftnettrace --cleanup` removes it once this run is gone\n";
}

std::vector<std::string> IptablesRule::argv(const char* action) const {
    std::vector<std::string> args = {command_, "-w", "-t", table_, action, chain_};
    args.insert(args.end(), spec_.begin(), spec_.end());
    return args;
}

std::vector<std::string> trace_rule_spec(const RuleMatch& match, int pid) {
    auto spec = iptables_match_args(match);
    spec.insert(spec.end(), {"-m", "comment", "--comment", run_tag(pid), "-j", "TRACE"});
    return spec;
}

void add_trace_rules(const IptablesTool& tool, const std::vector<RuleMatch>& matches, int pid,
                     RuleList& rules) {
    for (const auto& match : matches)
        for (const char* chain : {"PREROUTING", "OUTPUT"})
            rules.push_back(std::make_unique<IptablesRule>(tool.command(match.family), "raw", chain,
                                                           trace_rule_spec(match, pid)));
}

std::vector<std::string> log_invalid_rule_spec(const RuleMatch& match, int pid) {
    auto spec = iptables_match_args(match);
    spec.insert(spec.end(), {"-m",    "conntrack",    "--ctstate",    "INVALID",       "-m",
                             "limit", "--limit",      "10/sec",       "--limit-burst", "20",
                             "-m",    "comment",      "--comment",    run_tag(pid),    "-j",
                             "LOG",   "--log-prefix", kInvalidPrefix, "--log-level",   "7"});
    return spec;
}

void add_log_invalid_rules(const IptablesTool& tool, const std::vector<RuleMatch>& matches, int pid,
                           RuleList& rules) {
    for (const auto& match : matches)
        for (const char* chain : {"INPUT", "FORWARD", "OUTPUT"})
            rules.push_back(std::make_unique<IptablesRule>(
                tool.command(match.family), "filter", chain, log_invalid_rule_spec(match, pid)));
}

int remove_tagged_rules(const IptablesTool& tool, bool (*gone)(int), const std::string& where,
                        std::ostream& out) {
    int removed = 0;
    for (int family : {4, 6}) {
        if (!have_command(tool.save_command(family))) continue;
        auto saved = run_command({tool.save_command(family)});
        if (!saved.ok()) continue;
        for (const auto& [table, contents] : parse_iptables_save(saved.out)) {
            for (const auto& [chain, rules] : contents.chains) {
                for (const auto& line : rules.rules) {
                    auto pid = tagged_pid(line);
                    if (!pid || !gone(*pid)) continue;
                    auto words = split_save_line(line);
                    std::vector<std::string> argv = {tool.command(family), "-w", "-t", table, "-D"};
                    argv.insert(argv.end(), words.begin() + 1, words.end());
                    auto result = run_command(argv);
                    if (result.ok()) {
                        out << "removed " << tool.command(family) << " rule in " << where << ": -t "
                            << table << " " << line << "\n";
                        ++removed;
                    } else {
                        out << "could not remove " << tool.command(family) << " rule in " << where
                            << ": -t " << table << " " << line << ": " << trim(result.err) << "\n";
                    }
                }
            }
        }
    }
    return removed;
}

}  // namespace ftnt::netfilter
