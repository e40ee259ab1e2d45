// Pure parsing of what the firewall tools print: iptables-save (legacy and nft) and
// `nft -a list chain`, to turn a trace step (table, chain, rule number or handle) into the
// rule's text and verdict, and the tag `ftnettrace:<pid>` every rule of ours carries.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftnt::netfilter {

struct SavedChain {
    std::string policy;              // "ACCEPT", "DROP"; "-" for a user-defined chain
    std::vector<std::string> rules;  // "-A INPUT -p icmp -j USERCHAIN", in chain order
};
struct SavedTable {
    std::map<std::string, SavedChain> chains;
};
// iptables-save output, every "*table" section; malformed lines are skipped.
std::map<std::string, SavedTable> parse_iptables_save(std::string_view text);

// Rule `number` (1 = first) of `chain`, or nullopt.
std::optional<std::string> saved_rule(const SavedTable& table, const std::string& chain,
                                      uint32_t number);
// What a matched rule does, from its text: "DROP", "ACCEPT", "jump USERCHAIN",
// "goto OTHER", "LOG", or "continue" when it has no target. A target that is a chain of
// `table` is a jump; without the table, a target with a lower-case letter is taken as one.
std::string iptables_verdict(const std::string& rule_line, const SavedTable* table = nullptr);

// An iptables-save line split as the shell would ("..." quotes, \" inside them).
std::vector<std::string> split_save_line(std::string_view line);

// The tag of a run: "ftnettrace:<pid>".
std::string run_tag(int pid);
// The pid of a tag in a rule line (the first "ftnettrace:<digits>" followed by no digit).
std::optional<int> tagged_pid(std::string_view line);

struct NftRuleLine {
    uint64_t handle = 0;
    std::string text;  // the rule as nft prints it, without the "# handle N" comment
};
// `nft -a list chain FAMILY TABLE CHAIN` -> its rules in order.
std::vector<NftRuleLine> parse_nft_chain_listing(std::string_view text);
// `nft list tables` -> {"inet ftnettrace_123", "ip filter", ...} as "family name" pairs.
std::vector<std::pair<std::string, std::string>> parse_nft_tables(std::string_view text);

}  // namespace ftnt::netfilter
