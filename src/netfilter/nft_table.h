// The run's own nf_tables table, `table inet ftnettrace_<pid>`: base chains at priority
// raw - 1 that set `meta nftrace set 1` on the packets of the filter (so every nf_tables
// chain after them, iptables-nft's included, reports its steps over NFNLGRP_NFTRACE), and for
// --log-invalid chains at the filter hooks that LOG ctstate INVALID. One `nft -f` adds it
// whole and `nft delete table` removes it whole: nothing of ours is left inside the user's
// tables (iptables-nft -t raw -j TRACE would create `table ip raw` and its base chains, which
// stay after the rule is deleted).
#pragma once

#include <string>
#include <vector>

#include "ftnettrace/firewall_step.h"
#include "netfilter/match_args.h"
#include "netfilter/run_state.h"

namespace ftnt::netfilter {

std::string nft_table_name(int pid);
// The ruleset text given to `nft -f -`.
std::string nft_table_ruleset(int pid, const std::vector<RuleMatch>& trace,
                              const std::vector<RuleMatch>& log_invalid);

class NftTable {
  public:
    // Recorded in the run's state file first. Throws KernelError with nft's message.
    NftTable(RunState& state, const std::vector<RuleMatch>& trace,
             const std::vector<RuleMatch>& log_invalid);
    ~NftTable();
    NftTable(const NftTable&) = delete;
    NftTable& operator=(const NftTable&) = delete;
    const std::string& name() const { return name_; }

  private:
    RunState& state_;
    std::string name_;
};

// The only family ftnettrace creates its table in: --cleanup removes no other.
inline constexpr const char* kNftFamily = "inet";
// `nft delete table inet NAME`; true when it is gone.
bool delete_nft_table(const std::string& family, const std::string& name, std::string* error);

}  // namespace ftnt::netfilter
