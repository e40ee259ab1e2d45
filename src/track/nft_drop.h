// nf_tables frees a packet its rules drop itself (kfree_skb_reason(NETFILTER_DROP) inside
// nft_do_chain, since 6.0) and returns NF_STOLEN: the kretprobe alone would say STOLEN.
#pragma once

#include <cstdint>
#include <functional>

#include "track/lifecycle.h"

namespace ftnt {

// Marks the nft_do_chain event whose call freed the packet with reason NETFILTER_DROP as a
// DROP (deduced_verdict = NF_DROP): the drop's location is inside nft_do_chain and no other
// nft_do_chain call came between them. `in_nft_do_chain` tells a location's function.
// The chain named is the base chain the hook called: a jump inside nft_do_chain is no call a
// kprobe sees, so without the firewall steps (`steps_joined`) the note says where to look.
void deduce_nft_drops(Lifecycle& lifecycle,
                      const std::function<bool(uint64_t location)>& in_nft_do_chain,
                      bool steps_joined);

// An nft_do_chain event of a table ftnettrace made for --iptables-trace (ftnettrace_<pid>):
// not part of the user's packet path.
bool in_own_trace_table(const PathEvent& event);
// Removes those events from a finished lifecycle (after their returns were matched).
void drop_own_trace_table(Lifecycle& lifecycle);

}  // namespace ftnt
