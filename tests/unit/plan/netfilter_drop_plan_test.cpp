// --monitor's netfilter drop probes planned from the shipped catalog on the recorded Debian 6.1
// kernel (tests/fixtures/kernel-6.1: its BTF answers and available_filter_functions).
#include "plan/netfilter_drop_plan.h"

#include <gtest/gtest.h>

#include "attach/dynamic_event.h"
#include "unit/support/recorded_kernel61.h"

namespace ftnt {
namespace {

TEST(NetfilterDropPlan, EachTableFunctionGetsAReturnProbeWithItsFields) {
    test::RecordedKernel61 kernel;
    auto plan = plan_netfilter_drops(kernel.catalog, kernel.functions, &kernel.types);
    ASSERT_EQ(plan.returns.size(), 2u) << ::testing::PrintToString(plan.skipped);
    EXPECT_EQ(kprobe_definition("ftnettrace_1", plan.returns[0]),
              "r:ftnettrace_1/ipt_do_table_drop ipt_do_table table=+56($arg1):string "
              "hook=+0($arg3):u8 pf=+1($arg3):u8 verdict=$retval:u8");
    EXPECT_EQ(plan.returns[1].function, "ip6t_do_table");
    EXPECT_TRUE(plan.skipped.empty()) << ::testing::PrintToString(plan.skipped);
}

TEST(NetfilterDropPlan, ATableModuleNotLoadedIsSkippedAndSaysSo) {
    test::RecordedKernel61 kernel;
    kernel.functions.available.erase("ip6t_do_table");
    auto plan = plan_netfilter_drops(kernel.catalog, kernel.functions, &kernel.types);
    ASSERT_EQ(plan.returns.size(), 1u);
    EXPECT_EQ(plan.skipped, std::vector<std::string>{
                                "ip6t_do_table: not in this kernel (its module is not loaded)"});
}

TEST(NetfilterDropPlan, WithoutBtfNothingIsPlanned) {
    test::RecordedKernel61 kernel;
    auto plan = plan_netfilter_drops(kernel.catalog, kernel.functions, nullptr);
    EXPECT_TRUE(plan.returns.empty());
    ASSERT_EQ(plan.skipped.size(), 2u);
    EXPECT_NE(plan.skipped[0].find("BTF (none found)"), std::string::npos);
}

// A user's catalog point decoded as a table but without the trigger's keys is not counted.
TEST(NetfilterDropPlan, ATablePointWithoutTheKeysIsSkipped) {
    test::RecordedKernel61 kernel;
    Catalog catalog;
    catalog.load_text(
        "[kprobe ipt_do_table]\ndecode = xt_table\nskb = auto\ndata = l3\n"
        "fields = table=+{xt_table.name}($arg1):string\n",
        "mine.def");
    auto plan = plan_netfilter_drops(catalog, kernel.functions, &kernel.types);
    EXPECT_TRUE(plan.returns.empty());
    EXPECT_EQ(plan.skipped,
              std::vector<std::string>{"ipt_do_table: its catalog fields lack table, hook or pf"});
}

}  // namespace
}  // namespace ftnt
