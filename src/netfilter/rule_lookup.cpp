#include "netfilter/rule_lookup.h"

#include <linux/netfilter/nf_tables.h>

#include <algorithm>
#include <cctype>

#include "netfilter/command.h"
#include "netfilter/nft_rule_dump.h"
#include "netfilter/nft_trace_decode.h"

namespace ftnt::netfilter {
namespace {

// A cache entry is read again on a miss, but not more often than this.
constexpr auto kRefreshGap = std::chrono::milliseconds(200);

bool iptables_table_name(const std::string& table) {
    return table == "filter" || table == "nat" || table == "mangle" || table == "raw" ||
           table == "security";
}

std::string upper(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return text;
}

// nft's verdict in iptables' words: "drop" -> "DROP"; jumps keep the chain name.
std::string iptables_words(const std::string& verdict) {
    if (verdict.starts_with("jump ") || verdict.starts_with("goto ")) return verdict;
    if (verdict == "continue" || verdict == "return") return verdict;
    return upper(verdict);
}

template <typename Cache, typename Load>
auto& load_cached(Cache& cache, bool refresh, Load load) {
    auto now = std::chrono::steady_clock::now();
    if (!cache.loaded || (refresh && now - cache.read > kRefreshGap)) {
        cache.value = load();
        cache.read = now;
        cache.loaded = true;
    }
    return cache.value;
}

}  // namespace

const SavedTable& RuleBook::saved_table(const std::string& save_command, const std::string& table,
                                        bool refresh) {
    return load_cached(saved_[{save_command, table}], refresh, [&] {
        auto result = run_command({save_command, "-t", table});
        auto tables = parse_iptables_save(result.out);
        auto found = tables.find(table);
        return found == tables.end() ? SavedTable{} : found->second;
    });
}

const std::vector<uint64_t>& RuleBook::handles(uint32_t family, const std::string& table,
                                               const std::string& chain, bool refresh) {
    return load_cached(handles_[{family, table, chain}], refresh,
                       [&] { return nft_chain_rule_handles(family, table, chain); });
}

const std::vector<NftRuleLine>& RuleBook::nft_lines(const std::string& family,
                                                    const std::string& table,
                                                    const std::string& chain, bool refresh) {
    return load_cached(nft_lines_[{family, table, chain}], refresh, [&] {
        if (!have_command("nft")) return std::vector<NftRuleLine>{};
        auto result = run_command({"nft", "-a", "list", "chain", family, table, chain});
        return parse_nft_chain_listing(result.out);
    });
}

void RuleBook::describe_legacy(TraceStep& step) {
    std::string save = step.family == "ip6" ? "ip6tables-legacy-save" : "iptables-legacy-save";
    if (step.kind == "return") {
        step.verdict = "return";
        return;
    }
    auto find = [&](bool refresh) -> bool {
        const auto& table = saved_table(save, step.table, refresh);
        auto chain = table.chains.find(step.chain);
        if (chain == table.chains.end()) return false;
        if (step.kind == "policy") {
            step.verdict = chain->second.policy;
            return true;
        }
        auto text = saved_rule(table, step.chain, step.rule.value_or(0));
        if (!text) return false;
        step.rule_text = *text;
        step.verdict = iptables_verdict(*text, &table);
        return true;
    };
    if (!find(false) && !find(true) && step.verdict.empty()) step.verdict = "?";
}

void RuleBook::describe_nft(TraceStep& step, const NftTraceEvent& event) {
    step.backend = "nft";
    step.family = nfproto_family(event.family);
    step.table = event.table;
    step.chain = event.chain;
    step.handle = event.handle;
    switch (event.type) {
        case NFT_TRACETYPE_POLICY:
            step.kind = "policy";
            step.verdict = nft_verdict_name(event.policy.value_or(event.verdict.value_or(1)), "");
            break;
        case NFT_TRACETYPE_RETURN:
            // The end of a chain, which nft monitor trace prints as "verdict continue".
            step.kind = "return";
            step.verdict = nft_verdict_name(event.verdict.value_or(NFT_CONTINUE), "");
            break;
        default:
            step.kind = "rule";
            step.verdict =
                event.verdict ? nft_verdict_name(*event.verdict, event.jump_target) : "continue";
            break;
    }
    // The rule's position, as iptables -L --line-numbers counts.
    if (event.handle) {
        for (bool refresh : {false, true}) {
            const auto& list = handles(event.family, event.table, event.chain, refresh);
            auto at = std::find(list.begin(), list.end(), *event.handle);
            if (at != list.end()) {
                step.rule = static_cast<uint32_t>(at - list.begin() + 1);
                break;
            }
        }
    }
    // A table iptables-nft made: its rules read as iptables-save prints them.
    if ((step.family == "ip" || step.family == "ip6") && iptables_table_name(step.table)) {
        std::string save = step.family == "ip6" ? "ip6tables-nft-save" : "iptables-nft-save";
        if (have_command(save)) {
            for (bool refresh : {false, true}) {
                const auto& table = saved_table(save, step.table, refresh);
                auto chain = table.chains.find(step.chain);
                const auto& list = handles(event.family, event.table, event.chain, false);
                if (chain == table.chains.end() || chain->second.rules.size() != list.size())
                    continue;
                step.backend = "iptables-nft";
                step.verdict = iptables_words(step.verdict);
                if (step.kind == "rule" && step.rule) {
                    step.rule_text = chain->second.rules[*step.rule - 1];
                    if (step.verdict == "continue")
                        step.verdict = iptables_verdict(step.rule_text, &table);
                }
                return;
            }
        }
    }
    if (step.kind != "rule" || !event.handle) return;
    for (bool refresh : {false, true}) {
        for (const auto& line : nft_lines(step.family, step.table, step.chain, refresh)) {
            if (line.handle == *event.handle) {
                step.rule_text = line.text;
                return;
            }
        }
    }
}

}  // namespace ftnt::netfilter
