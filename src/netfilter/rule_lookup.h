// Turns a trace step's table/chain/number (legacy) or handle (nf_tables) into the rule's text
// and verdict, reading iptables-save, the chain's rule handles and `nft -a list chain` in the
// target namespace. Cached per chain; read again when a step names a rule the cache lacks.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ftnettrace/firewall_step.h"
#include "netfilter/nft_trace_message.h"
#include "netfilter/rule_text.h"

namespace ftnt::netfilter {

class RuleBook {
  public:
    // Legacy: step.table/chain/kind/rule and step.family ("ip"/"ip6") are set.
    void describe_legacy(TraceStep& step);
    // nf_tables: fills family, table, chain, kind, handle, rule, verdict, rule_text, backend.
    void describe_nft(TraceStep& step, const NftTraceEvent& event);

  private:
    using Clock = std::chrono::steady_clock;
    template <typename T>
    struct Cached {
        T value{};
        Clock::time_point read{};
        bool loaded = false;
    };
    const SavedTable& saved_table(const std::string& save_command, const std::string& table,
                                  bool refresh);
    const std::vector<uint64_t>& handles(uint32_t family, const std::string& table,
                                         const std::string& chain, bool refresh);
    const std::vector<NftRuleLine>& nft_lines(const std::string& family, const std::string& table,
                                              const std::string& chain, bool refresh);

    std::map<std::pair<std::string, std::string>, Cached<SavedTable>> saved_;
    std::map<std::tuple<uint32_t, std::string, std::string>, Cached<std::vector<uint64_t>>>
        handles_;
    std::map<std::tuple<std::string, std::string, std::string>, Cached<std::vector<NftRuleLine>>>
        nft_lines_;
};

}  // namespace ftnt::netfilter
