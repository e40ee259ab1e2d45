#include "netfilter/leftovers.h"

#include <unistd.h>

#include <charconv>
#include <exception>

#include "core/text_file.h"
#include "discover/kernel_env.h"
#include "netfilter/command.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/namespace.h"
#include "netfilter/nft_table.h"
#include "netfilter/rule_text.h"
#include "netfilter/run_state.h"
#include "netfilter/sysctl_setting.h"

namespace ftnt::netfilter {
namespace {

bool run_gone(int pid) {
    return pid != ::getpid() && !process_alive(pid);
}

bool legacy_tables_loaded() {
    for (const char* path : {"/proc/net/ip_tables_names", "/proc/net/ip6_tables_names"}) {
        auto names = read_text_file(path);
        if (names && !trim(*names).empty()) return true;
    }
    return false;
}

int sweep_namespace(const NetnsTarget& ns, std::ostream& out) {
    int removed = 0;
    std::string where = "netns " + ns.label;
    if (legacy_tables_loaded() && have_command("iptables-legacy-save"))
        removed += remove_tagged_rules(legacy_tool(), run_gone, where, out);
    if (!have_command("nft")) {
        if (have_command("iptables-nft-save"))
            removed += remove_tagged_rules(nft_compat_tool(), run_gone, where, out);
        return removed;
    }
    auto tables = parse_nft_tables(run_command({"nft", "list", "tables"}).out);
    if (tables.empty()) return removed;
    for (const auto& [family, name] : tables) {
        if (!name.starts_with(kNftTablePrefix)) continue;
        int pid = 0;
        auto digits = name.substr(std::string(kNftTablePrefix).size());
        if (std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec != std::errc() ||
            !run_gone(pid))
            continue;
        std::string error;
        if (delete_nft_table(family, name, &error)) {
            out << "removed nft table " << family << " " << name << " in " << where << "\n";
            ++removed;
        } else {
            out << "could not remove nft table " << family << " " << name << " in " << where << ": "
                << error << "\n";
        }
    }
    // Rules of ours inside the user's tables exist only from the iptables-nft fallback.
    if (have_command("iptables-nft-save"))
        removed += remove_tagged_rules(nft_compat_tool(), run_gone, where, out);
    return removed;
}

bool held_by_live_run(const std::vector<StateFile>& files, const SysctlRecord& record) {
    for (const auto& file : files) {
        if (!process_alive(file.pid) || file.pid == ::getpid()) continue;
        for (const auto& other : file.sysctls)
            if (other.netns == record.netns && other.key == record.key) return true;
    }
    return false;
}

int restore_sysctls(const StateFile& file, const std::vector<StateFile>& all,
                    const std::vector<NetnsTarget>& namespaces, std::ostream& out) {
    int restored = 0;
    bool keep_file = false;
    for (const auto& record : file.sysctls) {
        const NetnsTarget* ns = nullptr;
        for (const auto& candidate : namespaces)
            if (candidate.inode == record.netns) ns = &candidate;
        std::string name = sysctl_name(record.key);
        if (!ns) {
            out << "not restoring " << name << " of run " << file.pid << ": its namespace "
                << record.netns << " is gone\n";
            continue;
        }
        if (held_by_live_run(all, record)) {
            out << "left " << name << "=" << record.new_value << " in netns " << ns->label
                << ": a live run still needs it\n";
            continue;
        }
        NetnsEnter enter(*ns);
        auto current = read_sysctl(record.key);
        if (!current) continue;
        if (*current == record.old_value) continue;
        if (*current != record.new_value) {
            out << "left " << name << "=" << *current << " in netns " << ns->label
                << ": changed since run " << file.pid << " set it to " << record.new_value << "\n";
            continue;
        }
        if (write_text_file("/proc/sys/" + record.key, record.old_value + "\n") == 0) {
            out << "restored " << name << "=" << record.old_value << " in netns " << ns->label
                << " (run " << file.pid << " had set " << record.new_value << ")\n";
            ++restored;
        } else {
            out << "could not restore " << name << "=" << record.old_value << " in netns "
                << ns->label << "\n";
            keep_file = true;
        }
    }
    if (!keep_file) ::unlink(file.path.c_str());
    return restored;
}

}  // namespace

int remove_stale_netfilter_state(std::ostream& out) {
    auto files = read_state_files();
    std::vector<std::string> extra;
    for (const auto& file : files)
        if (run_gone(file.pid) && !file.netns_path.empty()) extra.push_back(file.netns_path);
    auto namespaces = namespaces_to_sweep(extra);
    int done = 0;
    for (const auto& ns : namespaces) {
        try {
            NetnsEnter enter(ns);
            done += sweep_namespace(ns, out);
        } catch (const std::exception& error) {
            out << "could not look in netns " << ns.label << ": " << error.what() << "\n";
        }
    }
    for (const auto& file : files) {
        if (!run_gone(file.pid)) continue;
        try {
            done += restore_sysctls(file, files, namespaces, out);
        } catch (const std::exception& error) {
            out << "could not restore the sysctls of run " << file.pid << ": " << error.what()
                << "\n";
        }
    }
    return done;
}

}  // namespace ftnt::netfilter
