// NFT_MSG_TRACE, the message nf_tables sends to NFNLGRP_NFTRACE for each step of a packet
// marked with `meta nftrace set 1`: its NFTA_TRACE_* attributes, checked and decoded.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "netfilter/netlink_message.h"

namespace ftnt::netfilter {

struct NftTraceEvent {
    uint32_t id = 0;
    uint32_t family = 0;   // the table's family (NFPROTO_INET for an inet table)
    uint32_t nfproto = 0;  // the hook's protocol (NFPROTO_IPV4 for IPv4 in an inet table)
    std::string table, chain;
    uint32_t type = 0;  // NFT_TRACETYPE_POLICY 1, RETURN 2, RULE 3
    std::optional<uint64_t> handle;
    std::optional<uint32_t> verdict;
    std::string jump_target;
    std::optional<uint32_t> policy;
    std::string iif, oif;
    std::vector<uint8_t> network_header, transport_header;
};

// The event of one message; nullopt when it is not an NFT_MSG_TRACE, lacks NFTA_TRACE_ID or
// NFTA_TRACE_TYPE, has an attribute of the wrong size or type, or is a rule step without a
// rule handle.
std::optional<NftTraceEvent> parse_nft_trace(const NetlinkMessage& message);

// The NFT_MSG_TRACE messages of one netlink datagram (others are skipped).
void decode_nftrace_messages(const void* data, std::size_t size,
                             const std::function<void(const NftTraceEvent&)>& on_event);

}  // namespace ftnt::netfilter
