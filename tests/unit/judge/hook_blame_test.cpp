// The hook that returned NF_DROP, on packets shaped as the Debian 6.1 guest records them with
// --hooks --ret (README: a ping dropped in a user chain: `nf_hook_slow = -1 ipv4.INPUT.DROP
// hooks ipt_do_table`, `ipt_do_table = 0 2.filter.INPUT.DROP`, then skb:kfree_skb
// NETFILTER_DROP at nf_hook_slow+0xa4). Hook lists as nf_hook_entries holds them on 6.1 for
// iptables-legacy, nftables and conntrack (priority order of include/uapi/linux/netfilter_ipv4.h).
#include "judge/hook_blame.h"

#include <gtest/gtest.h>

#include <map>

namespace ftnt {
namespace {

const std::map<uint64_t, std::string> kHookNames = {
    {0xffffffffc0a01000, "ipt_do_table"},      {0xffffffffc0b02000, "nft_do_chain_ipv4"},
    {0xffffffffc0c03000, "ipv4_conntrack_in"}, {0xffffffffc0c04000, "ipv4_conntrack_defrag"},
    {0xffffffff81900000, "selinux_ip_input"},  {0xffffffffc0d05000, "nf_nat_ipv4_local_in"},
};

std::string name_of(uint64_t address) {
    auto it = kHookNames.find(address);
    return it == kHookNames.end() ? "?" : it->second;
}

uint64_t address_of(const std::string& name) {
    for (const auto& [address, hook] : kHookNames)
        if (hook == name) return address;
    return 0;
}

// nf_hook_slow for ipv4.INPUT (pf 2, hook 1) returning `ret`, the hooks from entry 0 on.
PathEvent hook_pass(int64_t ret, const std::vector<std::string>& hooks, std::size_t count = 0) {
    PathEvent e;
    e.func = "nf_hook_slow";
    e.decode = DecodeAs::NfHook;
    e.retval = ret;
    e.extra = {{"pf", "2"}, {"hook", "1"}};
    if (hooks.empty()) return e;
    e.extra.emplace_back("hook_count", std::to_string(count ? count : hooks.size()));
    e.extra.emplace_back("hook_start", "0");
    for (std::size_t i = 0; i < hooks.size(); ++i)
        e.extra.emplace_back("hook_fn" + std::to_string(i), std::to_string(address_of(hooks[i])));
    return e;
}

PathEvent ipt(const std::string& table, int64_t ret) {
    PathEvent e;
    e.func = "ipt_do_table";
    e.decode = DecodeAs::XtTable;
    e.retval = ret;
    e.extra = {{"table", table}, {"hook", "1"}, {"pf", "2"}};
    return e;
}

PathEvent nft(int64_t ret) {
    PathEvent e;
    e.func = "nft_do_chain";
    e.decode = DecodeAs::NftChain;
    e.retval = ret;
    e.extra = {{"chain", "input"}, {"table", "ftnt"}};
    return e;
}

PathEvent netfilter_free() {
    PathEvent e;
    e.func = "skb:kfree_skb";
    e.frees_skb = true;
    e.reason = "NETFILTER_DROP";
    return e;
}

Lifecycle packet(std::vector<PathEvent> events) {
    Lifecycle lifecycle;
    lifecycle.events = std::move(events);
    return lifecycle;
}

// What a run tracing ipt_do_table and nft_do_chain with their returns builds from the catalog.
const VerdictPoints kTraced = {{"ipt_do_table", "ipt_do_table"},
                               {"nft_do_chain", "nft_do_chain"},
                               {"nft_do_chain_ipv4", "nft_do_chain"}};

TEST(HookBlame, TheTracedTableThatReturnedDropIsBlamed) {
    auto lifecycle = packet({hook_pass(-1, {"ipt_do_table", "ipt_do_table"}), ipt("mangle", 1),
                             ipt("filter", 0), netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 3, kTraced, name_of), "ipt_do_table (2.filter.INPUT.DROP)");
    // The finding may sit at the pass itself (its return joined it): the same answer.
    EXPECT_EQ(blame_hook(lifecycle, 0, kTraced, name_of), "ipt_do_table (2.filter.INPUT.DROP)");
}

TEST(HookBlame, AnNftChainIsBlamedThroughTheHookThatReturnsItsVerdict) {
    auto lifecycle = packet(
        {hook_pass(-1, {"ipv4_conntrack_in", "nft_do_chain_ipv4"}), nft(0), netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 2, kTraced, name_of),
              "nft_do_chain_ipv4 (nft_do_chain: table ftnt chain input DROP)");
}

TEST(HookBlame, WhenEveryTracedTableAcceptedTheUntracedHookIsBlamed) {
    auto lifecycle = packet({hook_pass(-1, {"ipt_do_table", "ipv4_conntrack_in", "ipt_do_table"}),
                             ipt("mangle", 1), netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 2, kTraced, name_of),
              "ipv4_conntrack_in (the one hook of this pass whose verdict is not traced)");
}

TEST(HookBlame, SeveralUntracedHooksAreNamedAsCandidatesNotGuessed) {
    auto lifecycle =
        packet({hook_pass(-1, {"ipv4_conntrack_defrag", "ipv4_conntrack_in", "selinux_ip_input"}),
                netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 1, kTraced, name_of),
              "one of ipv4_conntrack_defrag, ipv4_conntrack_in, selinux_ip_input (the hooks of "
              "this pass whose verdict is not traced)");
}

TEST(HookBlame, HooksPastTheFetchedEightAreSaid) {
    std::vector<std::string> eight(7, "ipt_do_table");
    eight.push_back("ipv4_conntrack_in");
    auto lifecycle = packet({hook_pass(-1, eight, 10), netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 1, kTraced, name_of),
              "one of ipv4_conntrack_in (the hooks of this pass whose verdict is not traced, or "
              "one of the 2 hooks after them that --hooks does not fetch)");
}

TEST(HookBlame, OnlyTheDroppingPassCounts) {
    // PREROUTING accepted after its table said ACCEPT; INPUT dropped with no table traced.
    auto prerouting = hook_pass(1, {"ipt_do_table"});
    auto input = hook_pass(-1, {"selinux_ip_input"});
    auto lifecycle = packet({prerouting, ipt("raw", 1), input, netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 3, kTraced, name_of),
              "selinux_ip_input (the one hook of this pass whose verdict is not traced)");
}

TEST(HookBlame, NothingIsBlamedWithoutTheHooksOrATableThatDropped) {
    // Without --hooks the pass has no hook list; no table point returned NF_DROP.
    auto lifecycle = packet({hook_pass(-1, {}), netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 1, kTraced, name_of), "");
    // An accepted pass blames nothing.
    EXPECT_EQ(blame_hook(packet({hook_pass(1, {"ipt_do_table"})}), 0, kTraced, name_of), "");
}

TEST(HookBlame, UntracedTablesAreCandidatesToo) {
    // A run without nft_do_chain traced cannot see its verdict: its hook is a candidate.
    VerdictPoints ipt_only = {{"ipt_do_table", "ipt_do_table"}};
    auto lifecycle = packet(
        {hook_pass(-1, {"ipt_do_table", "nft_do_chain_ipv4"}), ipt("filter", 1), netfilter_free()});
    EXPECT_EQ(blame_hook(lifecycle, 2, ipt_only, name_of),
              "nft_do_chain_ipv4 (the one hook of this pass whose verdict is not traced)");
}

TEST(HookBlame, WhatIsANetfilterDrop) {
    EXPECT_TRUE(is_netfilter_drop(netfilter_free()));
    EXPECT_TRUE(is_netfilter_drop(hook_pass(-1, {})));
    EXPECT_FALSE(is_netfilter_drop(hook_pass(1, {})));
    auto other = netfilter_free();
    other.reason = "NO_SOCKET";
    EXPECT_FALSE(is_netfilter_drop(other));
}

}  // namespace
}  // namespace ftnt
