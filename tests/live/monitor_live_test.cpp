// `ftnettrace --monitor` on the running kernel: drops made in namespaces the test makes, read
// back through python3-prometheus-client's own parser (never by regex).
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

constexpr int kDrops = 50;
// Other sessions on this machine make drops of the same kinds (UDP to a closed port, a
// firewall DROP) while this test runs: a count may be above ours by what they made, not below.
constexpr double kOthers = kDrops / 2.0;

std::string reader_command(const std::string& args) {
    return std::string("/usr/bin/python3 ") + FTNT_PROMETHEUS_READ + " " + args;
}

nlohmann::json scrape(int port) {
    std::string out = shell_output(
        reader_command("scrape http://127.0.0.1:" + std::to_string(port) + "/metrics"));
    auto parsed = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << out;
    return parsed.is_discarded() ? nlohmann::json::object() : parsed;
}

// The sum of the samples named `name` whose labels hold every pair of `labels`, and whose
// location label (when `location_prefix` is given) starts with it.
double sum_of(const nlohmann::json& samples, const std::string& name,
              const std::map<std::string, std::string>& labels,
              const std::string& location_prefix = "") {
    double total = 0;
    for (const auto& sample : samples) {
        if (sample.value("name", "") != name) continue;
        const auto& have = sample["labels"];
        bool match = true;
        for (const auto& [key, value] : labels) match = match && have.value(key, "") == value;
        if (!location_prefix.empty())
            match = match && have.value("location", "").rfind(location_prefix, 0) == 0;
        if (match) total += sample.value("value", 0.0);
    }
    return total;
}

bool have(const std::string& command) {
    return shell("command -v " + command + " >/dev/null") == 0;
}

class MonitorLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        if (shell("/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null") != 0)
            GTEST_SKIP() << "python3-prometheus-client is not installed (scripts/install-deps)";
        if (!have("iptables-legacy")) GTEST_SKIP() << "iptables-legacy is not installed";
    }
};

TEST_F(MonitorLive, TwoScrapesShowBothDropCountersRisingByTheDropsMade) {
    NetnsPair ns("mon");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7301 -j DROP"), 0);
    int port = 20000 + ::getpid() % 20000;
    ToolRun run({"--monitor", "--metrics-listen", "127.0.0.1:" + std::to_string(port)});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    // One drop of each kind first: the first of a kind is sampled, then counted in the kernel.
    udp_send(ns.a(), NetnsPair::kAddrB, 7301, 1);
    udp_send(ns.a(), NetnsPair::kAddrB, 7302, 1);
    usleep(1'500'000);  // the snapshot is renewed every second
    auto first = scrape(port);
    EXPECT_EQ(first.value("status", 0), 200);
    EXPECT_EQ(first.value("content_type", "").rfind("text/plain; version=0.0.4", 0), 0u);
    udp_send(ns.a(), NetnsPair::kAddrB, 7301, kDrops);
    udp_send(ns.a(), NetnsPair::kAddrB, 7302, kDrops);
    usleep(2'500'000);
    auto second = scrape(port);
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();

    const std::string drops = "ftnettrace_drops_total";
    std::map<std::string, std::string> firewall{{"reason", "NETFILTER_DROP"}, {"proto", "IPv4"}};
    std::map<std::string, std::string> closed{{"reason", "NO_SOCKET"}, {"proto", "IPv4"}};
    double firewall_rise = sum_of(second["samples"], drops, firewall, "nf_hook_slow+0x") -
                           sum_of(first["samples"], drops, firewall, "nf_hook_slow+0x");
    double closed_rise = sum_of(second["samples"], drops, closed, "__udp4_lib_rcv+0x") -
                         sum_of(first["samples"], drops, closed, "__udp4_lib_rcv+0x");
    EXPECT_GE(firewall_rise, kDrops) << second.dump();
    EXPECT_LE(firewall_rise, kDrops + kOthers) << second.dump();
    EXPECT_GE(closed_rise, kDrops) << second.dump();
    EXPECT_LE(closed_rise, kDrops + kOthers) << second.dump();
    EXPECT_GE(sum_of(first["samples"], drops, firewall, "nf_hook_slow+0x"), 1) << first.dump();
    // Every family a scrape promises, each a counter with its _total sample.
    for (const char* name : {"ftnettrace_drops_total", "ftnettrace_resets_total",
                             "ftnettrace_retransmits_total", "ftnettrace_lost_events_total"}) {
        bool found = false;
        for (const auto& sample : second["samples"])
            if (sample.value("name", "") == name) {
                found = true;
                EXPECT_EQ(sample.value("type", ""), "counter") << name;
            }
        EXPECT_TRUE(found) << name << " missing: " << second.dump();
    }
    EXPECT_FALSE(instance_exists(run.pid()));
}

TEST_F(MonitorLive, ResetsSentRiseWithSynsToAClosedPort) {
    NetnsPair ns("monrst");
    int port = 20000 + (::getpid() + 7) % 20000;
    ToolRun run({"--monitor", "--metrics-listen", std::to_string(port)});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    usleep(1'500'000);
    auto first = scrape(port);
    constexpr int kResets = 5;
    for (int i = 0; i < kResets; ++i) tcp_connect(ns.a(), NetnsPair::kAddrB, 7303);
    usleep(2'500'000);
    auto second = scrape(port);
    EXPECT_EQ(run.stop(SIGTERM), 0) << run.stderr_text();
    std::map<std::string, std::string> sent{{"direction", "sent"}};
    double rise = sum_of(second["samples"], "ftnettrace_resets_total", sent) -
                  sum_of(first["samples"], "ftnettrace_resets_total", sent);
    EXPECT_GE(rise, kResets) << second.dump();
}

// node_exporter's textfile collector may read at any moment: every version the test sees
// while the tool rewrites the file ten times a second under a stream of drops parses whole.
TEST_F(MonitorLive, TheMetricsFileIsCompleteWhenReadDuringRewrites) {
    NetnsPair ns("monfile");
    char dir_template[] = "/tmp/ftnettrace-monitor.XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    std::string dir = dir_template;
    std::string path = dir + "/ftnettrace.prom";
    ToolRun run({"--monitor", "--metrics-file", path, "--interval", "0.1"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    std::string out_path = dir + "/watch.json";
    // The watcher runs in the background while the drops come.
    ASSERT_EQ(shell("(" + reader_command("watch " + path + " 4 >" + out_path + ".part") +
                    " && mv " + out_path + ".part " + out_path + ") &"),
              0);
    for (int round = 0; round < 6; ++round) {
        udp_send(ns.a(), NetnsPair::kAddrB, 7304 + round, 20);
        usleep(400'000);
    }
    usleep(2'500'000);
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    std::string watch_text;
    for (int wait = 0; wait < 100 && watch_text.empty(); ++wait, usleep(100'000))
        watch_text = shell_output("cat " + out_path + " 2>/dev/null");
    auto watched = nlohmann::json::parse(watch_text, nullptr, false);
    ASSERT_FALSE(watched.is_discarded());
    // Ten rewrites a second; how many the watcher sees depends on the load: a few suffice.
    EXPECT_GE(watched.value("versions", 0), 3) << watched.dump();
    std::cerr << "metrics file versions read: " << watched.value("versions", 0) << "\n";
    EXPECT_TRUE(watched["broken"].empty()) << watched.dump();
    EXPECT_GE(sum_of(watched["last"], "ftnettrace_drops_total", {{"reason", "NO_SOCKET"}},
                     "__udp4_lib_rcv+0x"),
              1)
        << watched.dump();
    EXPECT_EQ(shell("rm -rf '" + dir + "'"), 0);
}

TEST_F(MonitorLive, BadMetricsFlagsExitTwo) {
    std::string out, err;
    EXPECT_EQ(
        run_tool({"--monitor", "--metrics-file", "/nonexistent-ftnettrace-dir/m.prom"}, &out, &err),
        2)
        << err;
    EXPECT_NE(err.find("--metrics-file"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--monitor", "--metrics-listen", "localhost:9101"}, &out, &err), 2) << err;
    EXPECT_EQ(run_tool({"--monitor"}, &out, &err), 2) << err;
}

}  // namespace
}  // namespace ftnt::test
