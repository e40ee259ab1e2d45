#include "netfilter/backend.h"

#include "core/errors.h"
#include "core/text_file.h"
#include "netfilter/command.h"
#include "netfilter/nft_table.h"
#include "netfilter/rule_text.h"

namespace ftnt::netfilter {

bool iptables_save_in_use(const std::string& save_text) {
    for (const auto& [table, contents] : parse_iptables_save(save_text)) {
        for (const auto& [chain, saved] : contents.chains) {
            if (saved.policy != "ACCEPT") return true;  // a user chain ("-") or DROP policy
            for (const auto& rule : saved.rules)
                if (!tagged_pid(rule)) return true;
        }
    }
    return false;
}

std::string iptables_version_backend(const std::string& version_text) {
    if (version_text.find("(nf_tables)") != std::string::npos) return "nft";
    if (version_text.find("(legacy)") != std::string::npos) return "legacy";
    return "";
}

Backends detect_backends() {
    Backends found;
    found.nft_cli = have_command("nft");
    bool legacy_tools = have_command("iptables-legacy") && have_command("iptables-legacy-save");
    bool nft_tools = found.nft_cli || have_command("iptables-nft");
    if (!legacy_tools && !nft_tools)
        throw KernelError("neither iptables-legacy nor nft/iptables-nft is installed");

    std::string reasons;
    if (legacy_tools) {
        for (int family : {4, 6}) {
            auto names = read_text_file(family == 4 ? "/proc/net/ip_tables_names"
                                                    : "/proc/net/ip6_tables_names");
            if (!names || trim(*names).empty()) continue;
            auto saved =
                run_command({family == 4 ? "iptables-legacy-save" : "ip6tables-legacy-save"});
            if (saved.ok() && iptables_save_in_use(saved.out)) found.legacy = true;
        }
        if (found.legacy) reasons = "iptables-legacy rules present";
    }
    if (nft_tools) {
        if (found.nft_cli) {
            auto tables = run_command({"nft", "list", "tables"});
            for (const auto& [family, name] : parse_nft_tables(tables.out))
                if (!name.starts_with(kNftTablePrefix)) found.nft = true;
        } else {
            for (const char* save : {"iptables-nft-save", "ip6tables-nft-save"}) {
                auto saved = run_command({save});
                if (saved.ok() && !parse_iptables_save(saved.out).empty()) found.nft = true;
            }
        }
        if (found.nft)
            reasons += std::string(reasons.empty() ? "" : ", ") + "nf_tables tables present";
    }
    if (!found.legacy && !found.nft) {
        auto version = have_command("iptables") ? run_command({"iptables", "-V"}).out : "";
        auto backend = iptables_version_backend(version);
        if (backend == "legacy" && legacy_tools) {
            found.legacy = true;
            reasons = "no rules yet; iptables is iptables-legacy";
        } else if (nft_tools) {
            found.nft = true;
            reasons = "no rules yet; " +
                      std::string(backend == "nft" ? "iptables is iptables-nft" : "nf_tables");
        } else {
            found.legacy = true;
            reasons = "no rules yet; only iptables-legacy is installed";
        }
    }
    found.why = reasons;
    return found;
}

}  // namespace ftnt::netfilter
