#include "netfilter/nft_table.h"

#include <iostream>

#include "core/errors.h"
#include "core/text_file.h"
#include "netfilter/command.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/rule_text.h"

namespace ftnt::netfilter {

std::string nft_table_name(int pid) {
    return kNftTablePrefix + std::to_string(pid);
}

std::string nft_table_ruleset(int pid, const std::vector<RuleMatch>& trace,
                              const std::vector<RuleMatch>& log_invalid) {
    std::string tag = "comment \"" + run_tag(pid) + "\"";
    std::string text = "table inet " + nft_table_name(pid) + " {\n";
    auto chain = [&](const std::string& name, const std::string& hook, const std::string& priority,
                     const std::vector<RuleMatch>& matches, const std::string& action) {
        text += "  chain " + name + " {\n    type filter hook " + hook + " priority " + priority +
                "; policy accept;\n";
        for (const auto& match : matches)
            text += "    " + nft_match_expr(match) + " " + action + " " + tag + "\n";
        text += "  }\n";
    };
    if (!trace.empty()) {
        chain("trace_prerouting", "prerouting", "raw - 1", trace, "meta nftrace set 1");
        chain("trace_output", "output", "raw - 1", trace, "meta nftrace set 1");
    }
    if (!log_invalid.empty()) {
        std::string log = std::string(
                              "ct state invalid limit rate 10/second burst 20 packets log "
                              "prefix \"") +
                          kInvalidPrefix + "\" level debug";
        chain("invalid_input", "input", "filter - 1", log_invalid, log);
        chain("invalid_forward", "forward", "filter - 1", log_invalid, log);
        chain("invalid_output", "output", "filter - 1", log_invalid, log);
    }
    text += "}\n";
    return text;
}

NftTable::NftTable(RunState& state, const std::vector<RuleMatch>& trace,
                   const std::vector<RuleMatch>& log_invalid)
    : state_(state), name_(nft_table_name(state.pid())) {
    state_.add_table({kNftFamily, name_});
    auto result =
        run_command({"nft", "-f", "-"}, nft_table_ruleset(state.pid(), trace, log_invalid));
    if (!result.ok()) {
        state_.remove_table({kNftFamily, name_});
        throw KernelError("nft could not add table inet " + name_ + ": " + failure_text(result));
    }
}

NftTable::~NftTable() {
    std::string error;
    if (!delete_nft_table(kNftFamily, name_, &error)) {
        std::cerr << "ftnettrace: nft delete table inet " << name_ << " failed: " << error
                  << "; `ftnettrace --cleanup` removes it once this run is gone\n";
        return;
    }
    try {
        state_.remove_table({kNftFamily, name_});
    } catch (const std::exception&) {
    }
}

bool delete_nft_table(const std::string& family, const std::string& name, std::string* error) {
    auto result = run_command({"nft", "delete", "table", family, name});
    if (result.ok()) return true;
    // Already gone (ENOENT) counts as deleted.
    auto listed = run_command({"nft", "list", "tables"});
    if (listed.ok()) {
        bool present = false;
        for (const auto& [f, n] : parse_nft_tables(listed.out)) present |= f == family && n == name;
        if (!present) return true;
    }
    if (error) *error = failure_text(result);
    return false;
}

}  // namespace ftnt::netfilter
