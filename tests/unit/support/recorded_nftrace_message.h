// An NFT_MSG_TRACE netlink message with the fields and headers of a traced ping on the 6.18
// machine (2026-11, the header bytes of tests/unit/netfilter/nft_trace_decode_test.cpp), for
// the nftrace reader's unit test and the fuzz suite that mutates it.
#pragma once

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cstdint>
#include <vector>

#include "unit/support/netlink_message_builder.h"

namespace ftnt::test {

// `transport_length`: bytes of the 8-byte ICMP header given as the transport header.
inline std::vector<uint8_t> recorded_trace_message(std::size_t transport_length = 8) {
    const uint8_t ip[] = {0x45, 0x00, 0x00, 0x54, 0x84, 0x46, 0x40, 0x00, 0x40, 0x01,
                          0x00, 0x00, 192,  0,    2,    1,    192,  0,    2,    2};
    const uint8_t icmp[] = {0x08, 0x00, 0x1e, 0xdd, 0x74, 0xfa, 0x00, 0x01};
    NetlinkMessageBuilder message((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE);
    message.family_header(1, NFNETLINK_V0)
        .string(NFTA_TRACE_TABLE, "filter")
        .string(NFTA_TRACE_CHAIN, "input")
        .be32(NFTA_TRACE_ID, 0x1234abcd)
        .be32(NFTA_TRACE_TYPE, NFT_TRACETYPE_RULE)
        .be64(NFTA_TRACE_RULE_HANDLE, 4)
        .be32(NFTA_TRACE_NFPROTO, 2)
        .be32(NFTA_TRACE_IIF, 1)
        .bytes(NFTA_TRACE_NETWORK_HEADER, ip)
        .bytes(NFTA_TRACE_TRANSPORT_HEADER, {icmp, transport_length})
        .nest_begin(NFTA_TRACE_VERDICT)
        .be32(NFTA_VERDICT_CODE, 0)
        .nest_end();
    return message.build();
}

}  // namespace ftnt::test
