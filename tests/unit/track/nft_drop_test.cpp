#include "track/nft_drop.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

constexpr uint64_t kInNftDoChain = 0xffffffffc0a01234;  // a location inside nft_do_chain
constexpr uint64_t kElsewhere = 0xffffffff81a0beef;

PathEvent chain_call(const std::string& table, int64_t ret) {
    PathEvent e;
    e.func = "nft_do_chain";
    e.decode = DecodeAs::NftChain;
    e.extra = {{"chain", "input"}, {"table", table}};
    e.retval = ret;
    return e;
}

PathEvent freed(const char* reason, uint64_t location) {
    PathEvent e;
    e.func = "skb:kfree_skb";
    e.frees_skb = true;
    e.reason = reason;
    e.location = location;
    return e;
}

bool in_chain(uint64_t location) {
    return location == kInNftDoChain;
}

// What the 6.1 guest showed for `nft add rule inet t input udp dport 7109 drop`: nft_do_chain
// returned 2 (NF_STOLEN) after kfree_skb(NETFILTER_DROP) at nft_do_chain+0x...
TEST(NftDrop, StolenAfterItsOwnNetfilterDropIsADrop) {
    Lifecycle l;
    l.events = {chain_call("t", 2), freed("NETFILTER_DROP", kInNftDoChain)};
    deduce_nft_drops(l, in_chain, true);
    ASSERT_TRUE(l.events[0].deduced_verdict);
    EXPECT_EQ(*l.events[0].deduced_verdict, 0u);  // NF_DROP
    EXPECT_EQ(*l.events[0].retval, 2);            // the kernel's return is kept as it was
    EXPECT_EQ(l.events[0].verdict_note, "");      // the firewall steps name the chain
}

TEST(NftDrop, WithoutFirewallStepsTheNoteSaysWhereTheChainIsNamed) {
    Lifecycle l;
    l.events = {chain_call("t", 2), freed("NETFILTER_DROP", kInNftDoChain)};
    deduce_nft_drops(l, in_chain, false);
    EXPECT_NE(l.events[0].verdict_note.find("see --iptables-trace"), std::string::npos);
}

TEST(NftDrop, StolenWithoutTheWitnessStaysStolen) {
    Lifecycle l;
    l.events = {chain_call("t", 2), freed("NETFILTER_DROP", kElsewhere)};
    deduce_nft_drops(l, in_chain, true);
    EXPECT_FALSE(l.events[0].deduced_verdict);
    l.events = {chain_call("t", 2), freed("NO_SOCKET", kInNftDoChain)};
    deduce_nft_drops(l, in_chain, true);
    EXPECT_FALSE(l.events[0].deduced_verdict);
}

TEST(NftDrop, OnlyTheLastChainCallBeforeTheDropIsMarked) {
    Lifecycle l;
    l.events = {chain_call("a", 2), chain_call("b", 2), freed("NETFILTER_DROP", kInNftDoChain)};
    deduce_nft_drops(l, in_chain, true);
    EXPECT_FALSE(l.events[0].deduced_verdict);
    EXPECT_TRUE(l.events[1].deduced_verdict);
}

TEST(NftDrop, OwnTraceTableIsRemoved) {
    Lifecycle l;
    l.events = {chain_call("ftnettrace_4242", 1), chain_call("t", 2)};
    EXPECT_TRUE(in_own_trace_table(l.events[0]));
    drop_own_trace_table(l);
    ASSERT_EQ(l.events.size(), 1u);
    EXPECT_EQ(l.events[0].extra[1].second, "t");
}

}  // namespace
}  // namespace ftnt
