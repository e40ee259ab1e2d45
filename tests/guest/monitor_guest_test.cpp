// --monitor on the guest kernels, which have hist triggers: drops are counted by the run's own
// trigger on skb:kfree_skb (the kernel's hist table, read back from its file while the run
// lives), and the exposition is read by python3-prometheus-client's parser.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

constexpr int kDrops = 30;

nlohmann::json scrape(int port) {
    std::string out = shell_output(std::string("/usr/bin/python3 ") + FTNT_PROMETHEUS_READ +
                                   " scrape http://127.0.0.1:" + std::to_string(port) + "/metrics");
    auto parsed = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << out;
    return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

double udp_closed_drops(const nlohmann::json& scraped, const std::string& reason) {
    double total = 0;
    for (const auto& sample : scraped.value("samples", nlohmann::json::array())) {
        if (sample.value("name", "") != "ftnettrace_drops_total") continue;
        const auto& labels = sample["labels"];
        if (labels.value("location", "").rfind("__udp4_lib_rcv+0x", 0) != 0) continue;
        if (labels.value("reason", "") != reason || labels.value("proto", "") != "IPv4") continue;
        total += sample.value("value", 0.0);
    }
    return total;
}

class MonitorGuest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "guest tests run as root";
        if (shell("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null") != 0)
            GTEST_SKIP() << "python3-prometheus-client is not installed";
    }
};

bool has_hist_triggers() {
    return shell_output("cat " + tracefs_file("README")).find("hist:keys") != std::string::npos;
}

TEST_F(MonitorGuest, HistTriggerCountsEveryDropOfTheTest) {
    if (!has_hist_triggers()) GTEST_SKIP() << "kernel without hist triggers";
    NetnsPair ns("gmon");
    constexpr int kPort = 9411;
    ToolRun run({"--monitor", "--metrics-listen", std::to_string(kPort)});
    ASSERT_TRUE(run.wait_ready(kAttachSeconds)) << run.stderr_text();
    EXPECT_NE(run.stderr_text().find("drops counted by a hist trigger"), std::string::npos)
        << run.stderr_text();
    // The kernel's own view: the trigger in the run's instance, the event soft-disabled.
    std::string event =
        "instances/ftnettrace-" + std::to_string(run.pid()) + "/events/skb/kfree_skb/";
    EXPECT_NE(shell_output("cat " + tracefs_file((event + "trigger").c_str()))
                  .find("hist:keys=" + std::string(kfree_skb_has_reason() ? "reason," : "") +
                        "location,protocol"),
              std::string::npos);
    EXPECT_EQ(shell_output("cat " + tracefs_file((event + "enable").c_str())), "0*\n");
    auto first = scrape(kPort);
    udp_send(ns.a(), NetnsPair::kAddrB, 7401, kDrops);
    usleep(2'500'000);
    auto second = scrape(kPort);
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    // 5.10 has no reason field: the location's reason is inferred, as --drop does.
    std::string reason = "NO_SOCKET";
    // The guest runs nothing else that sends UDP to a closed port: the rise is exact.
    EXPECT_EQ(udp_closed_drops(second, reason) - udp_closed_drops(first, reason), kDrops)
        << second.dump();
    EXPECT_EQ(
        shell("test -e " + tracefs_file("instances") + "/ftnettrace-" + std::to_string(run.pid())),
        1);
}

// Whatever counts them (a hist trigger on 6.1 and 6.12, counting perf events on 5.10, whose
// Debian kernel has no CONFIG_HIST_TRIGGERS), the drops carry the reason --drop gives: on
// 5.10, which has no reason field, the one their location stands for.
TEST_F(MonitorGuest, EveryKernelCountsTheDropsUnderTheirReason) {
    NetnsPair ns("gmonr");
    constexpr int kPort = 9412;
    ToolRun run({"--monitor", "--metrics-listen", std::to_string(kPort)});
    ASSERT_TRUE(run.wait_ready(kAttachSeconds)) << run.stderr_text();
    EXPECT_NE(run.stderr_text().find(has_hist_triggers() ? "drops counted by a hist trigger"
                                                         : "drops counted by perf events"),
              std::string::npos)
        << run.stderr_text();
    auto first = scrape(kPort);
    udp_send(ns.a(), NetnsPair::kAddrB, 7402, kDrops);
    usleep(2'500'000);
    auto second = scrape(kPort);
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    EXPECT_EQ(udp_closed_drops(second, "NO_SOCKET") - udp_closed_drops(first, "NO_SOCKET"), kDrops)
        << second.dump();
    EXPECT_EQ(udp_closed_drops(second, "unknown"), 0) << second.dump();
}

double netfilter_drops(const nlohmann::json& scraped, const std::string& chain) {
    double total = 0;
    for (const auto& sample : scraped.value("samples", nlohmann::json::array())) {
        if (sample.value("name", "") != "ftnettrace_netfilter_drops_total") continue;
        const auto& labels = sample["labels"];
        if (labels.value("family", "") == "ipv4" && labels.value("table", "") == "filter" &&
            labels.value("chain", "") == chain)
            total += sample.value("value", 0.0);
    }
    return total;
}

bool has_netfilter_family(const nlohmann::json& scraped) {
    for (const auto& sample : scraped.value("samples", nlohmann::json::array()))
        if (sample.value("family", "") == "ftnettrace_netfilter_drops") return true;
    return false;
}

// The kernel's own count: the packets column of the namespace's first INPUT rule.
long rule_packets(const std::string& netns) {
    std::string out = shell_output("ip netns exec " + netns +
                                   " iptables-legacy -L INPUT -v -x -n | awk 'NR == 3 {print $1}'");
    return out.empty() ? -1 : std::stol(out);
}

// Whether a return probe may read arguments: 6.9 (25f00e40ce79). The test's oracle, not the
// tool's gate (the tool asks the kernel by making the probe).
bool return_probes_read_arguments() {
    unsigned major = 0, minor = 0;
    std::sscanf(shell_output("uname -r").c_str(), "%u.%u", &major, &minor);
    return major > 6 || (major == 6 && minor >= 9);
}

// An iptables-legacy DROP in a namespace's INPUT: where the kernel can count it by table (a
// return probe reading ipt_do_table's arguments, 6.9+, and hist triggers), the filter table's
// INPUT rises by what the rule's own counter says; elsewhere one line says why not and the
// family is not written.
TEST_F(MonitorGuest, NetfilterDropsAreCountedByTableAndChain) {
    NetnsPair ns("gmonnf");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7403 -j DROP"), 0);
    constexpr int kPort = 9413;
    ToolRun run({"--monitor", "--metrics-listen", std::to_string(kPort)});
    ASSERT_TRUE(run.wait_ready(kAttachSeconds)) << run.stderr_text();
    bool counted = has_hist_triggers() && return_probes_read_arguments();
    std::string pid = std::to_string(run.pid());
    EXPECT_EQ(run.stderr_text().find("netfilter drops by table: not counted") == std::string::npos,
              counted)
        << run.stderr_text();
    auto first = scrape(kPort);
    long rule_before = rule_packets(ns.b());
    udp_send(ns.a(), NetnsPair::kAddrB, 7403, kDrops);
    usleep(2'500'000);
    auto second = scrape(kPort);
    long rule_after = rule_packets(ns.b());
    if (counted) {
        EXPECT_NE(shell_output("cat " + tracefs_file("kprobe_events")).find("ftnettrace_" + pid),
                  std::string::npos);
    }
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    ASSERT_EQ(rule_after - rule_before, kDrops);
    if (counted) {
        EXPECT_TRUE(has_netfilter_family(second)) << second.dump();
        EXPECT_EQ(netfilter_drops(second, "INPUT") - netfilter_drops(first, "INPUT"),
                  rule_after - rule_before)
            << second.dump();
    } else {
        EXPECT_FALSE(has_netfilter_family(second)) << second.dump();
    }
    EXPECT_EQ(shell_output("cat " + tracefs_file("kprobe_events")).find("ftnettrace_" + pid),
              std::string::npos);
}

// A run killed by SIGKILL leaves its instance and the trigger in it; --cleanup removes both.
TEST_F(MonitorGuest, CleanupRemovesTheTriggerAKilledRunLeft) {
    if (!has_hist_triggers()) GTEST_SKIP() << "kernel without hist triggers";
    shell("modprobe ip_tables 2>/dev/null");  // its table function gets a kretprobe (6.9+)
    ToolRun run({"--monitor", "--metrics-listen", "9412"});
    ASSERT_TRUE(run.wait_ready(kAttachSeconds)) << run.stderr_text();
    if (return_probes_read_arguments()) {
        EXPECT_NE(shell_output("cat " + tracefs_file("kprobe_events"))
                      .find("ftnettrace_" + std::to_string(run.pid())),
                  std::string::npos);
    }
    std::string instance = tracefs_file("instances") + "/ftnettrace-" + std::to_string(run.pid());
    EXPECT_EQ(run.stop(SIGKILL), -SIGKILL);
    EXPECT_NE(shell_output("cat " + instance + "/events/skb/kfree_skb/trigger").find("hist:keys="),
              std::string::npos);
    std::string out, err;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, &err), 0) << out << err;
    EXPECT_NE(shell("test -e " + instance), 0) << out << err;
    // With the netfilter drops' kretprobes (6.9+), whose triggers held them.
    EXPECT_EQ(shell_output("cat " + tracefs_file("kprobe_events"))
                  .find("ftnettrace_" + std::to_string(run.pid())),
              std::string::npos)
        << out << err;
}

}  // namespace
}  // namespace ftnt::test
