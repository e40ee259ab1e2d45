#include "modes/cleanup_mode.h"

#include <charconv>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

#include "attach/dynamic_event.h"
#include "attach/hist_trigger.h"
#include "attach/synthetic_event.h"
#include "attach/trace_instance.h"
#include "cli/values.h"
#include "core/errors.h"
#include "core/text_file.h"
#include "discover/kernel_env.h"
#include "discover/tracefs_mount.h"
#include "netfilter/leftovers.h"
#include "netfilter/run_state.h"

namespace ftnt {
namespace {

using netfilter::CleanupCounts;

// "ftnettrace-1234" -> 1234; nothing for a name ftnettrace does not give.
std::optional<int> owner_pid(const std::string& name, const std::string& prefix) {
    if (!name.starts_with(prefix)) return std::nullopt;
    auto digits = name.substr(prefix.size());
    int pid = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() || pid <= 0)
        return std::nullopt;
    return pid;
}

// Alive: its state file is locked (in whatever pid namespace it runs).
bool owner_dead(int pid) {
    return pid != ::getpid() && !netfilter::run_alive(pid);
}

void remove_stale_instances(const std::string& tracefs, CleanupCounts& counts) {
    for (const auto& name : list_directory(tracefs + "/instances")) {
        if (!name.starts_with(kInstancePrefix)) continue;
        auto pid = owner_pid(name, kInstancePrefix);
        if (!pid) {
            std::cout << "skipped tracefs instance " << shown_value(name)
                      << ": not a name ftnettrace gives (" << kInstancePrefix << "<pid>)\n";
            continue;
        }
        if (!owner_dead(*pid)) {
            std::cout << "kept tracefs instance " << name << ": run " << *pid
                      << " is still alive\n";
            continue;
        }
        if (remove_instance_dir(tracefs, name)) {
            std::cout << "removed tracefs instance " << name << "\n";
            ++counts.removed;
        } else {
            std::cout << "could not remove tracefs instance " << name << "\n";
            ++counts.failures;
        }
    }
}

void remove_stale_probe_groups(const std::string& tracefs, CleanupCounts& counts) {
    for (const auto& group : dynamic_groups(tracefs)) {
        auto pid = owner_pid(group, kDynamicGroupPrefix);
        if (!pid) {
            std::cout << "skipped kprobe group " << shown_value(group)
                      << ": not a name ftnettrace gives (" << kDynamicGroupPrefix << "<pid>)\n";
            continue;
        }
        if (!owner_dead(*pid)) {
            std::cout << "kept kprobe group " << group << ": run " << *pid << " is still alive\n";
            continue;
        }
        int events = remove_dynamic_group(tracefs, group);
        std::cout << "removed " << events << " kprobe events of group " << group << "\n";
        counts.removed += events;
    }
}

// "ftnettrace_1234_mark" -> 1234.
std::optional<int> synthetic_owner(const std::string& name) {
    auto end = name.find('_', std::string(kDynamicGroupPrefix).size());
    return owner_pid(name.substr(0, end), kDynamicGroupPrefix);
}

// In-kernel following (hist triggers, synthetic events) of a killed run: the triggers refer
// to the synthetic events, which cannot go while enabled or referred to (EBUSY), and the
// instance cannot go while they hold it.
void remove_stale_following(const std::string& tracefs, CleanupCounts& counts) {
    std::vector<std::string> dead_instances;
    for (const auto& name : list_directory(tracefs + "/instances")) {
        auto pid = owner_pid(name, kInstancePrefix);
        if (!pid || !owner_dead(*pid)) continue;
        dead_instances.push_back(tracefs + "/instances/" + name);
        if (int removed = remove_instance_triggers(dead_instances.back())) {
            std::cout << "removed " << removed << " hist triggers in tracefs instance " << name
                      << "\n";
            counts.removed += removed;
        }
    }
    if (!path_exists(tracefs + "/synthetic_events")) return;
    for (const auto& name : synthetic_events_named(tracefs, kDynamicGroupPrefix)) {
        auto pid = synthetic_owner(name);
        if (!pid || !owner_dead(*pid)) continue;
        for (const auto& dir : dead_instances)
            if (path_exists(dir + "/events/synthetic/" + name + "/enable"))
                write_text_file(dir + "/events/synthetic/" + name + "/enable", "0\n");
        if (remove_synthetic_event(tracefs, name) == 0) {
            std::cout << "removed synthetic event " << name << "\n";
            ++counts.removed;
        } else {
            std::cout << "could not remove synthetic event " << name << "\n";
            ++counts.failures;
        }
    }
}

void sweep_tracefs(CleanupCounts& counts) {
    // Mounted as a run mounts it: an instance does not go away with the mount.
    TracefsMount tracefs;
    remove_stale_following(tracefs.path(), counts);
    remove_stale_instances(tracefs.path(), counts);
    if (path_exists(tracefs.path() + "/kprobe_events"))
        remove_stale_probe_groups(tracefs.path(), counts);
}

}  // namespace

int run_cleanup_mode(const Options&) {
    require_root();
    CleanupCounts counts;
    try {
        sweep_tracefs(counts);
    } catch (const std::exception& error) {
        std::cout << "could not look for trace instances and kprobe groups: " << error.what()
                  << "\n";
        ++counts.failures;
    }
    auto netfilter = netfilter::remove_stale_netfilter_state(std::cout);
    counts.removed += netfilter.removed;
    counts.failures += netfilter.failures;
    if (counts.failures > 0) {
        std::cout << counts.failures << " things could not be looked at or removed (above)\n";
        return kExitFailure;
    }
    if (counts.removed == 0) std::cout << "nothing left behind by ftnettrace\n";
    return kExitOk;
}

}  // namespace ftnt
