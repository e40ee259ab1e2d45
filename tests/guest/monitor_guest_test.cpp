// --monitor on the guest kernels, which have hist triggers: drops are counted by the run's own
// trigger on skb:kfree_skb (the kernel's hist table, read back from its file while the run
// lives), and the exposition is read by python3-prometheus-client's parser.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

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

// A run killed by SIGKILL leaves its instance and the trigger in it; --cleanup removes both.
TEST_F(MonitorGuest, CleanupRemovesTheTriggerAKilledRunLeft) {
    if (!has_hist_triggers()) GTEST_SKIP() << "kernel without hist triggers";
    ToolRun run({"--monitor", "--metrics-listen", "9412"});
    ASSERT_TRUE(run.wait_ready(kAttachSeconds)) << run.stderr_text();
    std::string instance = tracefs_file("instances") + "/ftnettrace-" + std::to_string(run.pid());
    EXPECT_EQ(run.stop(SIGKILL), -SIGKILL);
    EXPECT_NE(shell_output("cat " + instance + "/events/skb/kfree_skb/trigger").find("hist:keys="),
              std::string::npos);
    std::string out, err;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, &err), 0) << out << err;
    EXPECT_NE(shell("test -e " + instance), 0) << out << err;
}

}  // namespace
}  // namespace ftnt::test
