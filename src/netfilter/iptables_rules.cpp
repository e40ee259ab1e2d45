#include "netfilter/iptables_rules.h"

#include <sys/random.h>

#include <cstdio>
#include <iostream>
#include <random>

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

IptablesRule::IptablesRule(RunState& state, std::string command, std::string table,
                           std::string chain, std::vector<std::string> spec)
    : state_(state),
      record_{std::move(command), std::move(table), std::move(chain), std::move(spec)} {
    state_.add_rule(record_);  // recorded first: a SIGKILL right after leaves no rule unknown
    auto result = run_command(argv("-I"));
    if (!result.ok()) {
        state_.remove_rule(record_);
        throw KernelError(command_text(argv("-I")) + " failed: " + failure_text(result));
    }
}

IptablesRule::~IptablesRule() {
    auto result = run_command(argv("-D"));
    if (!result.ok()) {
        std::cerr << "ftnettrace: " << command_text(argv("-D"))
                  << " failed: " << failure_text(result)
                  << "; `ftnettrace --cleanup` removes it once this run is gone\n";
        return;
    }
    try {
        state_.remove_rule(record_);
    } catch (const std::exception&) {
    }
}

std::vector<std::string> IptablesRule::argv(const char* action) const {
    std::vector<std::string> args = {record_.command, "-w",   "-t",
                                     record_.table,   action, record_.chain};
    args.insert(args.end(), record_.spec.begin(), record_.spec.end());
    return args;
}

std::vector<std::string> trace_rule_spec(const RuleMatch& match, int pid) {
    auto spec = iptables_match_args(match);
    spec.insert(spec.end(), {"-m", "comment", "--comment", run_tag(pid), "-j", "TRACE"});
    return spec;
}

void add_trace_rules(RunState& state, const IptablesTool& tool,
                     const std::vector<RuleMatch>& matches, RuleList& rules) {
    for (const auto& match : matches)
        for (const char* chain : {"PREROUTING", "OUTPUT"})
            rules.push_back(std::make_unique<IptablesRule>(state, tool.command(match.family), "raw",
                                                           chain,
                                                           trace_rule_spec(match, state.pid())));
}

std::string announce_prefix(int pid) {
    uint32_t nonce = 0;
    if (::getrandom(&nonce, sizeof nonce, 0) != static_cast<ssize_t>(sizeof nonce))
        nonce = static_cast<uint32_t>(std::random_device{}());
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", nonce);
    return run_tag(pid) + "." + hex + " ";
}

std::vector<std::string> announce_rule_spec(const RuleMatch& match, int pid,
                                            const std::string& prefix) {
    auto spec = iptables_match_args(match);
    spec.insert(spec.end(), {"-m", "comment", "--comment", run_tag(pid), "-j", "LOG",
                             "--log-prefix", prefix, "--log-level", "7", "--log-tcp-sequence"});
    return spec;
}

void add_announce_rules(RunState& state, const IptablesTool& tool,
                        const std::vector<RuleMatch>& matches, const std::string& prefix,
                        RuleList& rules) {
    for (const auto& match : matches)
        for (const char* chain : {"PREROUTING", "OUTPUT"})
            rules.push_back(
                std::make_unique<IptablesRule>(state, tool.command(match.family), "raw", chain,
                                               announce_rule_spec(match, state.pid(), prefix)));
}

std::vector<std::string> log_invalid_rule_spec(const RuleMatch& match, int pid) {
    auto spec = iptables_match_args(match);
    spec.insert(spec.end(), {"-m",    "conntrack",    "--ctstate",    "INVALID",       "-m",
                             "limit", "--limit",      "10/sec",       "--limit-burst", "20",
                             "-m",    "comment",      "--comment",    run_tag(pid),    "-j",
                             "LOG",   "--log-prefix", kInvalidPrefix, "--log-level",   "7"});
    return spec;
}

void add_log_invalid_rules(RunState& state, const IptablesTool& tool,
                           const std::vector<RuleMatch>& matches, RuleList& rules) {
    for (const auto& match : matches)
        for (const char* chain : {"INPUT", "FORWARD", "OUTPUT"})
            rules.push_back(
                std::make_unique<IptablesRule>(state, tool.command(match.family), "filter", chain,
                                               log_invalid_rule_spec(match, state.pid())));
}

namespace {

// Only the iptables tools a run uses: a record names the command that is run.
bool known_command(const std::string& command) {
    for (const auto& tool : {legacy_tool(), nft_compat_tool()})
        if (command == tool.v4 || command == tool.v6) return true;
    return false;
}

std::vector<std::string> record_argv(const RuleRecord& rule, const char* action) {
    std::vector<std::string> args = {rule.command, "-w", "-t", rule.table, action, rule.chain};
    args.insert(args.end(), rule.spec.begin(), rule.spec.end());
    return args;
}

}  // namespace

std::string rule_text_of(const RuleRecord& rule) {
    std::string text = "-t " + rule.table + " -A " + rule.chain;
    for (const auto& word : rule.spec)
        text += " " + (word.find(' ') == std::string::npos ? word : "\"" + word + "\"");
    return text;
}

bool delete_recorded_rule(const RuleRecord& rule, std::string* error) {
    if (!known_command(rule.command)) {
        if (error) *error = "not an iptables command of ftnettrace: " + rule.command;
        return false;
    }
    if (!have_command(rule.command)) return true;  // no such tool: no rule of it either
    if (!run_command(record_argv(rule, "-C")).ok()) return true;  // not there (any more)
    auto result = run_command(record_argv(rule, "-D"));
    if (result.ok()) return true;
    if (error) *error = failure_text(result);
    return false;
}

}  // namespace ftnt::netfilter
