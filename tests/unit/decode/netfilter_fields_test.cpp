// Path events as the decoder builds them from the 6.1 guest's nf_hook_slow records (field
// values as the kprobes fetched them there).
#include "decode/netfilter_fields.h"

#include <gtest/gtest.h>

#include "unit/support/recorded_nf_hook_slow.h"

namespace ftnt {
namespace {

using test::nf_hook_slow;

TEST(NetfilterFields, NfHookSlowShowsFamilyHookAndOutcome) {
    EXPECT_EQ(netfilter_verdict(nf_hook_slow(-1)), "ipv4.INPUT.DROP");  // -EPERM
    EXPECT_EQ(netfilter_verdict(nf_hook_slow(1)), "ipv4.INPUT.ACCEPT");
    EXPECT_EQ(netfilter_verdict(nf_hook_slow(0)), "ipv4.INPUT.STOLEN");
    auto arp = nf_hook_slow(1);
    arp.extra[0].second = "3";
    EXPECT_EQ(netfilter_verdict(arp), "arp.OUT.ACCEPT");
}

TEST(NetfilterFields, HookFunctionsFromTheStartIndexToTheCount) {
    auto functions = hook_functions(nf_hook_slow(1));
    EXPECT_EQ(functions, (std::vector<uint64_t>{18446744072100000016ull, 18446744072100000032ull}));
    PathEvent plain;
    plain.func = "ip_rcv";
    EXPECT_TRUE(hook_functions(plain).empty());
}

}  // namespace
}  // namespace ftnt
