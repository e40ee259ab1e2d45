#include "modes/cleanup_mode.h"

#include <iostream>
#include <optional>
#include <string>

#include "attach/dynamic_event.h"
#include "attach/trace_instance.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "discover/kernel_env.h"
#include "discover/tracefs_mount.h"
#include "netfilter/leftovers.h"

namespace ftnt {
namespace {

// "ftnettrace-1234" -> 1234
std::optional<int> owner_pid(const std::string& name, const std::string& prefix) {
    if (!name.starts_with(prefix)) return std::nullopt;
    auto digits = name.substr(prefix.size());
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::stoi(digits);
}

int remove_stale_instances(const std::string& tracefs) {
    int removed = 0;
    for (const auto& name : list_directory(tracefs + "/instances")) {
        auto pid = owner_pid(name, kInstancePrefix);
        if (!pid) continue;
        if (process_alive(*pid)) {
            std::cout << "kept tracefs instance " << name << ": run " << *pid
                      << " is still alive\n";
            continue;
        }
        if (remove_instance_dir(tracefs, name)) {
            std::cout << "removed tracefs instance " << name << "\n";
            ++removed;
        } else {
            std::cout << "could not remove tracefs instance " << name << "\n";
        }
    }
    return removed;
}

int remove_stale_probe_groups(const std::string& tracefs) {
    int removed = 0;
    for (const auto& group : dynamic_groups(tracefs)) {
        auto pid = owner_pid(group, kDynamicGroupPrefix);
        if (!pid || process_alive(*pid)) continue;
        int events = remove_dynamic_group(tracefs, group);
        std::cout << "removed " << events << " kprobe events of group " << group << "\n";
        removed += events;
    }
    return removed;
}

}  // namespace

int run_cleanup_mode(const Options&) {
    require_root();
    auto tracefs = find_tracefs();
    int removed = 0;
    if (!tracefs.empty()) {
        removed += remove_stale_instances(tracefs);
        if (path_exists(tracefs + "/kprobe_events")) removed += remove_stale_probe_groups(tracefs);
    }
    removed += netfilter::remove_stale_netfilter_state(std::cout);
    if (removed == 0) std::cout << "nothing left behind by ftnettrace\n";
    return kExitOk;
}

}  // namespace ftnt
