#include "netfilter/leftovers.h"

#include <unistd.h>

#include <exception>

#include "core/text_file.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/namespace.h"
#include "netfilter/nft_table.h"
#include "netfilter/run_state.h"
#include "netfilter/sysctl_setting.h"

namespace ftnt::netfilter {
namespace {

bool run_gone(int pid) {
    return pid != ::getpid() && !run_alive(pid);
}

const NetnsTarget* find_namespace(const std::vector<NetnsTarget>& namespaces, uint32_t inode) {
    for (const auto& candidate : namespaces)
        if (candidate.inode == inode) return &candidate;
    return nullptr;
}

// The rules and the table of one dead run, in the namespace it recorded.
void remove_recorded(const StateFile& file, const std::vector<NetnsTarget>& namespaces,
                     std::ostream& out, CleanupCounts& counts, bool& keep_file) {
    if (file.rules.empty() && file.tables.empty()) return;
    const NetnsTarget* ns = find_namespace(namespaces, file.netns_inode);
    if (!ns) {
        out << "run " << file.pid << ": its namespace " << file.netns_inode
            << " is gone, and its rules with it\n";
        return;
    }
    NetnsEnter enter(*ns);
    std::string where = "netns " + ns->label;
    for (const auto& rule : file.rules) {
        std::string error;
        if (delete_recorded_rule(rule, &error)) {
            out << "removed " << rule.command << " rule of run " << file.pid << " in " << where
                << ": " << rule_text_of(rule) << "\n";
            ++counts.removed;
        } else {
            out << "could not remove " << rule.command << " rule of run " << file.pid << " in "
                << where << ": " << rule_text_of(rule) << ": " << error << "\n";
            ++counts.failures;
            keep_file = true;
        }
    }
    for (const auto& table : file.tables) {
        // Only the table ftnettrace makes: its family, and the name of that run.
        if (table.family != kNftFamily || table.name != nft_table_name(file.pid)) {
            out << "left nft table " << table.family << " " << table.name << " in " << where
                << ": run " << file.pid << " would not have made it\n";
            continue;
        }
        std::string error;
        if (delete_nft_table(table.family, table.name, &error)) {
            out << "removed nft table " << table.family << " " << table.name << " in " << where
                << "\n";
            ++counts.removed;
        } else {
            out << "could not remove nft table " << table.family << " " << table.name << " in "
                << where << ": " << error << "\n";
            ++counts.failures;
            keep_file = true;
        }
    }
}

bool held_by_live_run(const std::vector<StateFile>& files, const SysctlRecord& record) {
    for (const auto& file : files) {
        if (file.pid == ::getpid() || !run_alive(file.pid)) continue;
        for (const auto& other : file.sysctls)
            if (other.netns == record.netns && other.key == record.key) return true;
    }
    return false;
}

void restore_sysctls(const StateFile& file, const std::vector<StateFile>& all,
                     const std::vector<NetnsTarget>& namespaces, std::ostream& out,
                     CleanupCounts& counts, bool& keep_file) {
    for (const auto& record : file.sysctls) {
        const NetnsTarget* ns = find_namespace(namespaces, record.netns);
        std::string name = sysctl_name(record.key);
        if (!ns) {
            out << "not restoring " << name << " of run " << file.pid << ": its namespace "
                << record.netns << " is gone\n";
            continue;
        }
        if (held_by_live_run(all, record)) {
            out << "left " << name << "=" << record.new_value << " in netns " << ns->label
                << ": a live run still needs it (it restores it when it ends)\n";
            continue;
        }
        NetnsEnter enter(*ns);
        auto current = read_sysctl(record.key);
        if (!current || *current == record.old_value) continue;
        if (*current != record.new_value) {
            out << "left " << name << "=" << *current << " in netns " << ns->label
                << ": changed since run " << file.pid << " set it to " << record.new_value << "\n";
            continue;
        }
        if (write_text_file("/proc/sys/" + record.key, record.old_value + "\n") == 0) {
            out << "restored " << name << "=" << record.old_value << " in netns " << ns->label
                << " (run " << file.pid << " had set " << record.new_value << ")\n";
            ++counts.removed;
        } else {
            out << "could not restore " << name << "=" << record.old_value << " in netns "
                << ns->label << "\n";
            ++counts.failures;
            keep_file = true;
        }
    }
}

}  // namespace

CleanupCounts remove_stale_netfilter_state(std::ostream& out) {
    CleanupCounts counts;
    auto files = read_state_files();
    std::vector<std::string> extra;
    for (const auto& file : files)
        if (run_gone(file.pid) && !file.netns_path.empty()) extra.push_back(file.netns_path);
    auto namespaces = namespaces_to_sweep(extra);
    for (const auto& file : files) {
        if (!run_gone(file.pid)) continue;
        bool keep_file = false;
        try {
            remove_recorded(file, namespaces, out, counts, keep_file);
        } catch (const std::exception& error) {
            out << "could not remove the rules of run " << file.pid << ": " << error.what() << "\n";
            ++counts.failures;
            keep_file = true;
        }
        try {
            restore_sysctls(file, files, namespaces, out, counts, keep_file);
        } catch (const std::exception& error) {
            out << "could not restore the sysctls of run " << file.pid << ": " << error.what()
                << "\n";
            ++counts.failures;
            keep_file = true;
        }
        if (!keep_file) ::unlink(file.path.c_str());
    }
    return counts;
}

}  // namespace ftnt::netfilter
