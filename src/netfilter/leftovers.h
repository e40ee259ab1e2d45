// What killed runs left behind outside tracefs, found and removed by `ftnettrace --cleanup`.
#pragma once

#include <ostream>

namespace ftnt::netfilter {

struct CleanupCounts {
    int removed = 0;   // rules, tables and sysctls undone
    int failures = 0;  // things that could not be looked at or undone
};

// For each state file under /run/ftnettrace whose run is dead (its lock is free): removes the
// rules and the table it recorded, exactly as recorded and nothing else, and restores the
// sysctls it changed unless a live run still depends on them. Says each thing on `out`.
CleanupCounts remove_stale_netfilter_state(std::ostream& out);

}  // namespace ftnt::netfilter
