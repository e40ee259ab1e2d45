// The words --monitor prints when the kernel refuses the netfilter drop probes: the kernel's
// answers as Debian's 6.1 gave them (a return probe that reads $argN, before 6.9).
#include "run/hist_netfilter_drops.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

TEST(HistNetfilterDrops, FunctionsRefusedInTheSameWordsShareALine) {
    auto lines = grouped_refusals(
        {{"ipt_do_table",
          "kprobe on ipt_do_table refused: Invalid argument (Invalid $-variable specified)"},
         {"ip6t_do_table",
          "kprobe on ip6t_do_table refused: Invalid argument (Invalid $-variable specified)"},
         {"arpt_do_table", "kprobe on arpt_do_table refused: File exists"}});
    EXPECT_EQ(lines, (std::vector<std::string>{
                         "ipt_do_table, ip6t_do_table: kprobe on it refused: Invalid argument "
                         "(Invalid $-variable specified)",
                         "arpt_do_table: kprobe on it refused: File exists"}));
}

TEST(HistNetfilterDrops, TheTriggerCountsTheReturnsOfNfDrop) {
    EXPECT_EQ(netfilter_drop_trigger(),
              "hist:keys=table,hook,pf:vals=hitcount:size=128 if verdict == 0");
}

}  // namespace
}  // namespace ftnt
