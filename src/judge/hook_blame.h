// Which netfilter hook returned NF_DROP for a packet. nf_hook_slow runs the hooks of its
// entry list in order from `s` and stops at the first verdict that is not NF_ACCEPT, so the
// dropping hook is the one whose verdict was NF_DROP: seen when it is (or returns the verdict
// of) a table point traced with its return (ipt_do_table, nft_do_chain); otherwise one of the
// hooks of that pass whose verdict is not traced (named with --hooks).
#pragma once

#include <functional>
#include <map>
#include <string>

#include "track/lifecycle.h"

namespace ftnt {

// Hook function name -> the traced point whose return is that hook's verdict: each table
// point maps itself and the catalog's `verdict_of_hooks` (nft_do_chain_ipv4 -> nft_do_chain).
using VerdictPoints = std::map<std::string, std::string>;
// A hook function's address -> its name ("ipt_do_table").
using HookNamer = std::function<std::string(uint64_t)>;

// For event `index` of the packet (its NETFILTER_DROP free, or an nf_hook_slow that returned
// DROP): "ipt_do_table (2.filter.INPUT.DROP)", "one of ipv4_conntrack_in, selinux_ip_input
// (hooks whose verdict is not traced)", or "" when the packet did not pass nf_hook_slow with
// its hooks fetched and no traced table dropped it.
// A free with reason NETFILTER_DROP, or an nf_hook_slow that returned a drop.
bool is_netfilter_drop(const PathEvent& e);

std::string blame_hook(const Lifecycle& lifecycle, std::size_t index,
                       const VerdictPoints& verdict_points, const HookNamer& name_of);

}  // namespace ftnt
