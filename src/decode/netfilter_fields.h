// The netfilter fields the catalog has a point fetch (pf, hook, table, chain, hook_count,
// hook_start, hook_fnN), read as what they mean.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "decode/path_event.h"

namespace ftnt {

// "2.filter.INPUT.DROP" for ipt_do_table (mytracer's form), "table t chain c DROP" for
// nft_do_chain, "ipv4.INPUT.DROP" for nf_hook_slow, "" for other points.
std::string netfilter_verdict(const PathEvent& event);
// include/uapi/linux/netfilter.h NFPROTO_*, as nettrace names them: 2 "ipv4", 10 "ipv6"...
std::string netfilter_family_name(unsigned pf);
// The hook of a family by its number: "INPUT" (ipv4, ipv6, bridge...), "IN" (arp),
// "INGRESS" (netdev); the number itself when the family has no such hook.
std::string netfilter_hook_name(unsigned pf, unsigned hook);
// The hook functions --hooks fetched at nf_hook_slow (hook_count, hook_start, hook_fn0..7),
// as addresses in the order they run; empty for other points.
std::vector<uint64_t> hook_functions(const PathEvent& event);

}  // namespace ftnt
