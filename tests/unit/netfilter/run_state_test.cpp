// The state file a netfilter run keeps under /run/ftnettrace, read back by --cleanup.
#include <gtest/gtest.h>

#include "netfilter/run_state.h"
#include "netfilter/sysctl_setting.h"

namespace ftnt::netfilter {
namespace {

TEST(RunStateFile, RoundTrip) {
    StateFile state;
    state.netns_inode = 4026532246u;
    state.netns_path = "/run/netns/ftnt-m-b";
    state.sysctls.push_back({4026531833u, "net/netfilter/nf_log_all_netns", "0", "1"});
    state.sysctls.push_back({4026532246u, "net/netfilter/nf_log/2", "NONE", "nf_log_ipv4"});
    auto text = format_state(state);
    EXPECT_EQ(text,
              "netns 4026532246 /run/netns/ftnt-m-b\n"
              "sysctl 4026531833 net/netfilter/nf_log_all_netns 0 1\n"
              "sysctl 4026532246 net/netfilter/nf_log/2 NONE nf_log_ipv4\n"
              "end\n");
    auto back = parse_state("something new 1 2\n" + text + "sysctl 1 after/the/end 0 1\n");
    EXPECT_EQ(back.netns_inode, state.netns_inode);
    EXPECT_EQ(back.netns_path, state.netns_path);
    ASSERT_EQ(back.sysctls.size(), 2u);
    EXPECT_EQ(back.sysctls[1].old_value, "NONE");
    EXPECT_EQ(back.sysctls[1].new_value, "nf_log_ipv4");
    EXPECT_EQ(sysctl_name("net/netfilter/nf_log/2"), "net.netfilter.nf_log.2");
}

// Rules are recorded word by word, exactly as given to -I: a LOG prefix with a blank, an
// empty word and a '%' come back the same.
TEST(RunStateFile, RulesAndTablesRoundTripExactly) {
    StateFile state;
    state.rules.push_back({"iptables-legacy",
                           "filter",
                           "INPUT",
                           {"-p", "tcp", "-m", "comment", "--comment", "ftnettrace:12", "-j", "LOG",
                            "--log-prefix", "ftnettrace-invalid: ", "", "100%"}});
    state.tables.push_back({"inet", "ftnettrace_12"});
    auto text = format_state(state);
    EXPECT_NE(text.find("rule iptables-legacy filter INPUT -p tcp"), std::string::npos) << text;
    auto back = parse_state(text);
    ASSERT_EQ(back.rules.size(), 1u);
    EXPECT_EQ(back.rules[0], state.rules[0]);
    ASSERT_EQ(back.tables.size(), 1u);
    EXPECT_EQ(back.tables[0], state.tables[0]);
}

}  // namespace
}  // namespace ftnt::netfilter
