#include "plan/path_plan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "core/errors.h"
#include "plan/skb_layout.h"
#include "unit/fixture_file.h"
#include "unit/support/recorded_kernel61.h"

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

using Kernel61 = test::RecordedKernel61;

// The fetcharg names a kprobe definition gives ("skb=%di:x64 len=..." -> skb, len).
std::set<std::string> fetched_names(const std::string& fetchargs) {
    std::set<std::string> names;
    std::istringstream words(fetchargs);
    std::string word;
    while (words >> word) names.insert(word.substr(0, word.find('=')));
    return names;
}

TEST(WholeCatalogOn61, EveryPointIsFilteredInTheKernelOrFollowed) {
    Kernel61 k;
    for (const auto& filter : test::whole_catalog_filters()) {
        auto plan = plan_path(k.input(filter));
        // A point this kernel has is planned: none is lost to a member its fields name.
        for (const auto& skipped : plan.skipped)
            EXPECT_NE(skipped.find("not in this kernel (or inlined)"), std::string::npos)
                << skipped;
        for (const auto& p : plan.probes) {
            SCOPED_TRACE(p.name);
            if (p.tracepoint) {
                // Tracepoints stay on a kprobe kernel only to end lifecycles.
                EXPECT_EQ(p.lifecycle, "free");
                continue;
            }
            if (p.layer == filters::Layer::None) {
                // Followed by skb address: it needs no filter and must not start a packet.
                EXPECT_TRUE(p.filter.empty());
                EXPECT_FALSE(p.exact_filter);
                continue;
            }
            ASSERT_FALSE(p.filter.empty()) << "a point with headers filters in the kernel";
            auto fetched = fetched_names(p.kprobe.fetchargs);
            std::regex field(R"(([a-z][a-z0-9]*) (==|!=))");
            for (std::sregex_iterator it(p.filter.begin(), p.filter.end(), field), end; it != end;
                 ++it)
                EXPECT_TRUE(fetched.count((*it)[1])) << (*it)[1] << " in " << p.filter;
            // skb->protocol is 0 where a locally made packet enters IP (__ip_local_out sets
            // it): an L3 point tells the family by the IP version instead.
            if (p.layer == filters::Layer::L3 && !filter.protocols.transports.empty()) {
                EXPECT_EQ(p.filter.find("proto =="), std::string::npos) << p.filter;
            }
        }
    }
}

TEST(WholeCatalogOn61, EveryCatalogFunctionThe61KernelHasIsPlanned) {
    Kernel61 k;
    auto plan = plan_path(k.input(test::whole_catalog_filters()[0]));
    std::set<std::string> planned;
    for (const auto& p : plan.probes) planned.insert(p.name);
    for (const auto& e : k.catalog.entries()) {
        if (e.kind != "kprobe" || !e.get("join").empty()) continue;
        if (!k.functions.resolve(e.name).empty()) {
            EXPECT_TRUE(planned.count(e.name)) << e.name;
        }
    }
    // The frees without a tracepoint that end a packet on 6.1.
    for (const char* free_point : {"kfree_skbmem", "napi_consume_skb", "skb_attempt_defer_free"})
        EXPECT_TRUE(planned.count(free_point)) << free_point;
}

TEST(AdhocProbes, ACatalogFunctionReusesItsCatalogPoint) {
    Kernel61 k;
    auto in = k.input(test::whole_catalog_filters()[1]);
    in.returns = false;
    in.adhoc = parse_adhoc_probes({"ip_rcv first=+0(%di):u32"}, {"ip_rcv", "ip_local_deliver"});
    auto plan = plan_path(in);
    int ip_rcv = 0;
    for (const auto& p : plan.probes) {
        if (p.name != "ip_rcv" && p.name != "ip_local_deliver") continue;
        ip_rcv += p.name == "ip_rcv";
        // One kprobe per function (a second would be "File exists"), with the return value.
        ASSERT_TRUE(p.kretprobe) << p.name;
        EXPECT_EQ(p.kretprobe->event, p.kprobe.event + "_ret");
        EXPECT_EQ(p.layer, filters::Layer::L3);
    }
    EXPECT_EQ(ip_rcv, 1);
    for (const auto& p : plan.probes)
        if (p.name == "ip_rcv") {
            EXPECT_NE(p.kprobe.fetchargs.find(" first=+0(%di):u32"), std::string::npos);
            EXPECT_EQ(p.extra_names, (std::vector<std::string>{"first"}));
        }
}

TEST(EventNames, AreSafeForTracefs) {
    EXPECT_EQ(event_name_for("ip_rcv_core.isra.0"), "ip_rcv_core_isra_0");
    EXPECT_EQ(event_name_for("skb:kfree_skb"), "skb_kfree_skb");
}

}  // namespace
}  // namespace ftnt
