// The catalog keys a path run reads by point name (`infer_reason`, `drops_inside`): an entry
// with the key gets the behaviour, the same entry without it does not.
#include "run/path_keys.h"

#include <gtest/gtest.h>

#include <map>

#include "core/errors.h"

#include "track/nft_drop.h"

namespace ftnt {
namespace {

constexpr const char* kKfreeSkb =
    "[tracepoint skb:kfree_skb]\ngroup = life\nskb = skbaddr\nlifecycle = free\n";
constexpr const char* kNftDoChain =
    "[kprobe nft_do_chain]\ndecode = nft_chain\ngroup = netfilter\nskb = 1\n"
    "skb_member = nft_pktinfo.skb\ndata = l3\nret = always\n";

PathKeys keys_of(const std::string& text) {
    Catalog catalog;
    catalog.load_text(text, "test.def");
    return PathKeys::from_catalog(catalog);
}

TEST(PathKeys, ReasonIsInferredOnlyForAnEntryWithInferReason) {
    auto with = keys_of(std::string(kKfreeSkb) + "infer_reason = location\n");
    auto without = keys_of(kKfreeSkb);
    EXPECT_TRUE(with.infers_reason("skb:kfree_skb"));
    EXPECT_FALSE(without.infers_reason("skb:kfree_skb"));
    EXPECT_FALSE(with.infers_reason("skb:consume_skb"));
}

TEST(PathKeys, InferReasonTakesOnlyLocation) {
    Catalog catalog;
    EXPECT_THROW(catalog.load_text(std::string(kKfreeSkb) + "infer_reason = yes\n", "t.def"),
                 UsageError);
    EXPECT_THROW(catalog.load_text("[drop_location tcp_v4_rcv]\nreason = NO_SOCKET\n"
                                   "infer_reason = location\n",
                                   "t.def"),
                 UsageError);
}

// What the 6.1 guest showed for `nft add rule inet t input udp dport 7109 drop` (see
// nft_drop_test.cpp): nft_do_chain returned 2 (NF_STOLEN) after kfree_skb(NETFILTER_DROP)
// inside it. Only a catalog that marks nft_do_chain `drops_inside = yes` reads it as DROP.
TEST(PathKeys, NftDropIsDeducedOnlyForAnEntryWithDropsInside) {
    const std::map<uint64_t, std::string> names = {{0xffffffffc0a01234, "nft_do_chain+0x1a/0x5d0"},
                                                   {0xffffffff81a0beef, "ip_rcv+0x21/0x80"}};
    auto deduced = [&](const PathKeys& keys, uint64_t location) {
        Lifecycle l;
        PathEvent chain;
        chain.func = "nft_do_chain";
        chain.decode = DecodeAs::NftChain;
        chain.retval = 2;
        PathEvent freed;
        freed.func = "skb:kfree_skb";
        freed.frees_skb = true;
        freed.reason = "NETFILTER_DROP";
        freed.location = location;
        l.events = {chain, freed};
        deduce_nft_drops(
            l, [&](uint64_t at) { return keys.drops_inside(names.at(at)); }, true);
        return l.events[0].deduced_verdict.has_value();
    };
    auto with = keys_of(std::string(kNftDoChain) + "drops_inside = yes\n");
    auto without = keys_of(kNftDoChain);
    EXPECT_TRUE(deduced(with, 0xffffffffc0a01234));
    EXPECT_FALSE(deduced(without, 0xffffffffc0a01234));
    EXPECT_FALSE(deduced(with, 0xffffffff81a0beef));
}

TEST(PathKeys, AnAliasOfTheFunctionCountsAndAPrefixDoesNot) {
    auto keys =
        keys_of(std::string(kNftDoChain) + "drops_inside = yes\naliases = nft_do_chain.isra.0\n");
    EXPECT_TRUE(keys.drops_inside("nft_do_chain.isra.0+0x10/0x400"));
    EXPECT_FALSE(keys.drops_inside("nft_do_chain_ipv4+0x10/0x40"));
    EXPECT_FALSE(keys.drops_inside("nft_do_chain"));
}

TEST(PathKeys, ShippedCatalogMarksKfreeSkbAndNftDoChain) {
    Catalog catalog;
    catalog.load_directory(FTNT_CATALOG);
    auto keys = PathKeys::from_catalog(catalog);
    EXPECT_TRUE(keys.infers_reason("skb:kfree_skb"));
    EXPECT_FALSE(keys.infers_reason("skb:consume_skb"));
    EXPECT_TRUE(keys.drops_inside("nft_do_chain+0x1a/0x5d0"));
    EXPECT_FALSE(keys.drops_inside("ipt_do_table+0x1a/0x5d0"));
}

}  // namespace
}  // namespace ftnt
