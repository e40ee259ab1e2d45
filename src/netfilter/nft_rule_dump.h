// NFT_MSG_GETRULE with NLM_F_DUMP for one chain: the handles of its rules in chain order,
// to number a rule as iptables -L --line-numbers does.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "netfilter/netlink_message.h"

namespace ftnt::netfilter {

// The request, for the table and chain of family `nfproto` (the kernel filters the dump).
NetlinkRequest rule_dump_request(uint32_t nfproto, const std::string& table,
                                 const std::string& chain, uint32_t seq);

enum class DumpProgress { more, done, failed };

// Adds the handles of the NFT_MSG_NEWRULE messages of one reply datagram that answer `seq`
// and name that table and chain; done at NLMSG_DONE, failed at an error or an interrupted
// dump (NLM_F_DUMP_INTR: the rule set changed while it was read).
DumpProgress collect_rule_handles(std::span<const uint8_t> datagram, uint32_t seq,
                                  const std::string& table, const std::string& chain,
                                  std::vector<uint64_t>& handles);

// Rule handles of family/table/chain in chain order, in the calling thread's namespace;
// empty when the chain is not there or the dump failed.
std::vector<uint64_t> nft_chain_rule_handles(uint32_t nfproto, const std::string& table,
                                             const std::string& chain);

}  // namespace ftnt::netfilter
