// An NFT_MSG_TRACE netlink message with the fields and headers of a traced ping on the 6.18
// machine (2026-11, the header bytes of tests/unit/netfilter/nft_trace_decode_test.cpp), for
// the nftrace reader's unit test and the fuzz suite that mutates it.
#pragma once

#include <arpa/inet.h>
#include <endian.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <cstdint>
#include <vector>

namespace ftnt::test {

// 8-byte aligned, as a netlink buffer is; its size is the message's nlmsg_len rounded up.
// `transport_length`: bytes of the 8-byte ICMP header given as the transport header.
inline std::vector<uint64_t> recorded_trace_message(std::size_t transport_length = 8) {
    std::vector<uint64_t> buffer(512);
    auto* header = mnl_nlmsg_put_header(buffer.data());
    header->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE;
    auto* nfg = static_cast<nfgenmsg*>(mnl_nlmsg_put_extra_header(header, sizeof(nfgenmsg)));
    nfg->nfgen_family = 1;
    nfg->version = NFNETLINK_V0;
    mnl_attr_put_strz(header, NFTA_TRACE_TABLE, "filter");
    mnl_attr_put_strz(header, NFTA_TRACE_CHAIN, "input");
    mnl_attr_put_u32(header, NFTA_TRACE_ID, htonl(0x1234abcd));
    mnl_attr_put_u32(header, NFTA_TRACE_TYPE, htonl(NFT_TRACETYPE_RULE));
    mnl_attr_put_u64(header, NFTA_TRACE_RULE_HANDLE, htobe64(4));
    mnl_attr_put_u32(header, NFTA_TRACE_NFPROTO, htonl(2));
    mnl_attr_put_u32(header, NFTA_TRACE_IIF, htonl(1));
    const uint8_t ip[] = {0x45, 0x00, 0x00, 0x54, 0x84, 0x46, 0x40, 0x00, 0x40, 0x01,
                          0x00, 0x00, 192,  0,    2,    1,    192,  0,    2,    2};
    const uint8_t icmp[] = {0x08, 0x00, 0x1e, 0xdd, 0x74, 0xfa, 0x00, 0x01};
    mnl_attr_put(header, NFTA_TRACE_NETWORK_HEADER, sizeof ip, ip);
    mnl_attr_put(header, NFTA_TRACE_TRANSPORT_HEADER, transport_length, icmp);
    auto* verdict = mnl_attr_nest_start(header, NFTA_TRACE_VERDICT);
    mnl_attr_put_u32(header, NFTA_VERDICT_CODE, htonl(0));
    mnl_attr_nest_end(header, verdict);
    buffer.resize((header->nlmsg_len + 7) / 8);
    return buffer;
}

inline uint32_t message_length(const std::vector<uint64_t>& message) {
    return reinterpret_cast<const nlmsghdr*>(message.data())->nlmsg_len;
}

}  // namespace ftnt::test
