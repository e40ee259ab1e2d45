// What killed netfilter runs left behind, found and removed by `ftnettrace --cleanup`.
#pragma once

#include <ostream>

namespace ftnt::netfilter {

// Removes rules tagged ftnettrace:<pid> (iptables-legacy, iptables-nft) and tables
// ftnettrace_<pid> (nft) whose pid is gone, in the initial namespace, every namespace under
// /run/netns and those dead runs recorded; restores the sysctls a dead run changed (from its
// state file under /run/ftnettrace/). Says each thing it did on `out`; returns how many.
int remove_stale_netfilter_state(std::ostream& out);

}  // namespace ftnt::netfilter
