// The typed values of the catalog keys that later stages act on, shared by plan/ (which
// parses the catalog) and decode/ and track/ (which read the events): no stage includes the
// catalog to learn what a point means.
#pragma once

namespace ftnt {

// `lifecycle`: the point's part in following a packet by skb address.
enum class LifecycleRole { None, Free, Clone, Entry };
// `decode`: how the tool reads a netfilter point's fields and return value.
//   xt_table   ipt_do_table/ip6t_do_table: table, hook, pf and the verdict it returns
//   nf_hook    nf_hook_slow: pf and hook, the return 1 / -EPERM / 0, --hooks' functions
//   nft_chain  nft_do_chain: table and chain, the verdict (a drop it freed itself: DROP)
enum class DecodeAs { None, XtTable, NfHook, NftChain };

}  // namespace ftnt
