// Which firewall backends the target namespace uses, decided from what is loaded there.
//
// legacy: x_tables tables instantiated in the namespace (/proc/net/ip{,6}_tables_names) with
//   at least one rule, user chain or non-ACCEPT policy that is not ours;
// nf_tables: any table but ours (`nft list tables`, or iptables-nft-save without nft).
// When neither has anything, the `iptables` command's own backend (iptables -V) is taken.
#pragma once

#include <string>

namespace ftnt::netfilter {

struct Backends {
    bool legacy = false;
    bool nft = false;
    bool nft_cli = false;  // the nft command exists (native table; else iptables-nft rules)
    std::string why;       // one phrase for the start line
};

// In the calling thread's namespace. Throws KernelError when no tool for either is installed.
Backends detect_backends();

// Pure parts, tested with recorded text.
// iptables-save text: does it hold anything of the user's (not tagged ftnettrace:)?
bool iptables_save_in_use(const std::string& save_text);
// "iptables v1.8.9 (nf_tables)" -> "nft", "(legacy)" -> "legacy", else "".
std::string iptables_version_backend(const std::string& version_text);

}  // namespace ftnt::netfilter
