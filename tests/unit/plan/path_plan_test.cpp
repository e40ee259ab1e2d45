#include "plan/path_plan.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace ftnt {
namespace {

TEST(ProbeableFunctions, CompilerClonesAreFound) {
    ProbeableFunctions f;
    f.known = true;
    // Lines of the 6.1 guest's available_filter_functions (tests/fixtures/kernel-6.1).
    f.available = {"ip_rcv", "ip_rcv_finish_core.constprop.0", "veth_xmit"};
    EXPECT_EQ(f.resolve("ip_rcv"), "ip_rcv");
    EXPECT_EQ(f.resolve("ip_rcv_finish_core"), "ip_rcv_finish_core.constprop.0");
    EXPECT_EQ(f.resolve("ip_rcv_finish"), "");
}

TEST(AdhocProbes, SpecsAreParsed) {
    auto probes =
        parse_adhoc_probes({"ip_rcv data=l3 mark=+164(%di):u32"}, {"ip_rcv", "tcp_v4_rcv"});
    ASSERT_EQ(probes.size(), 2u);
    EXPECT_EQ(probes[0].function, "ip_rcv");
    EXPECT_EQ(probes[0].fetchargs, " mark=+164(%di):u32");
    EXPECT_EQ(probes[0].extra_names, (std::vector<std::string>{"mark"}));
    EXPECT_TRUE(probes[0].with_return);
    EXPECT_EQ(probes[1].layer, "l3");
    EXPECT_THROW(parse_adhoc_probes({"ip_rcv junk"}, {}), UsageError);
    EXPECT_THROW(parse_adhoc_probes({"ip_rcv data=l9"}, {}), UsageError);
}

TEST(EventNames, AreSafeForTracefs) {
    EXPECT_EQ(event_name_for("ip_rcv_core.isra.0"), "ip_rcv_core_isra_0");
    EXPECT_EQ(event_name_for("skb:kfree_skb"), "skb_kfree_skb");
}

}  // namespace
}  // namespace ftnt
