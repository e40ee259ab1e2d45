// nf_tables trace messages are checked with libmnl before libnftnl parses them: libnftnl
// 1.2.4 ends the process ("nf_tables kernel ABI is broken") on some malformed ones. The
// message is the one of the fuzz suite (a traced ping's fields and headers on the 6.18 machine,
// as in nft_trace_decode_test.cpp); the changed one is what the fuzz suite found (seeds of
// 2026-11-27: a header attribute cut to length 0).
#include "netfilter/nftrace_reader.h"

#include <arpa/inet.h>
#include <endian.h>
#include <gtest/gtest.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <vector>

namespace ftnt::netfilter {
namespace {

std::vector<uint64_t> trace_message(std::size_t transport_length) {
    std::vector<uint64_t> buffer(512);  // 8-byte aligned, as a netlink buffer is
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

int decoded(const std::vector<uint64_t>& message) {
    int events = 0;
    auto size = reinterpret_cast<const nlmsghdr*>(message.data())->nlmsg_len;
    decode_nftrace_messages(message.data(), size, [&](const NftTraceEvent&) { ++events; });
    return events;
}

TEST(NftraceMessages, RecordedMessageDecodes) {
    EXPECT_EQ(decoded(trace_message(8)), 1);
}

TEST(NftraceMessages, EmptyHeaderAttributeIsSkippedBeforeLibnftnl) {
    EXPECT_EQ(decoded(trace_message(0)), 0);  // libnftnl alone: exit(1), the whole process
}

}  // namespace
}  // namespace ftnt::netfilter
