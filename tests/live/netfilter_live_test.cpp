// --iptables-trace and --log-invalid on the machine's own kernel (TRACE needs no kprobes):
// firewall rules in a namespace the test makes, traffic from its peer, the tool's output,
// and after every run (signals, -c, --duration, SIGKILL + --cleanup) no rule of ours in any
// backend and every sysctl at its old value.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <sstream>
#include <thread>

#include "netfilter/rule_text.h"
#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

bool have(const std::string& command) {
    return shell("command -v " + command + " >/dev/null 2>&1") == 0;
}

std::string sysctl_value(const std::string& ns, const std::string& name) {
    std::string prefix = ns.empty() ? "" : "ip netns exec " + ns + " ";
    auto text = shell_output(prefix + "sysctl -n " + name + " 2>/dev/null");
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// Everything of ours a run could leave in one namespace ("" = this one), all backends.
std::string our_traces(const std::string& ns) {
    std::string prefix = ns.empty() ? "" : "ip netns exec " + ns + " ";
    std::string all;
    for (const char* dump : {"iptables-legacy-save", "ip6tables-legacy-save", "iptables-nft-save",
                             "ip6tables-nft-save", "nft list ruleset"})
        all += shell_output(prefix + dump + " 2>/dev/null");
    std::string found;
    std::size_t at = 0;
    while ((at = all.find("ftnettrace", at)) != std::string::npos) {
        auto end = all.find('\n', at);
        auto start = all.rfind('\n', at);
        start = start == std::string::npos ? 0 : start + 1;
        auto line = all.substr(start, end - start);
        // LOG prefixes of our invalid rules also say "ftnettrace-invalid": the tag is what counts
        if (line.find("ftnettrace:") != std::string::npos ||
            line.find("ftnettrace_") != std::string::npos)
            found += line + "\n";
        at = end == std::string::npos ? all.size() : end;
    }
    return found;
}

// Waits until stdout holds `needle` (at most `seconds`).
bool wait_for_output(const ToolRun& run, const std::string& needle, int seconds = 8) {
    for (int i = 0; i < seconds * 10; ++i) {
        if (run.stdout_text().find(needle) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::vector<std::string> json_lines_with(const ToolRun& run, const std::string& key,
                                         const std::string& value) {
    std::vector<std::string> lines;
    for (const auto& line : run.stdout_lines())
        if (json_string(line, key) == value) lines.push_back(line);
    return lines;
}

class NetfilterLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        if (!have("iptables-legacy") || !have("iptables-nft") || !have("nft"))
            GTEST_SKIP() << "iptables-legacy, iptables-nft and nft are needed";
        ns_ = std::make_unique<NetnsPair>("nf");
        all_netns_ = sysctl_value("", "net.netfilter.nf_log_all_netns");
        log2_ = sysctl_value(ns_->b(), "net.netfilter.nf_log.2");
        log10_ = sysctl_value(ns_->b(), "net.netfilter.nf_log.10");
    }
    void TearDown() override {
        if (!ns_) return;
        EXPECT_EQ(our_traces(""), "");
        EXPECT_EQ(our_traces(ns_->b()), "");
        EXPECT_EQ(sysctl_value("", "net.netfilter.nf_log_all_netns"), all_netns_);
        EXPECT_EQ(sysctl_value(ns_->b(), "net.netfilter.nf_log.2"), log2_);
        EXPECT_EQ(sysctl_value(ns_->b(), "net.netfilter.nf_log.10"), log10_);
        ns_.reset();
    }

    // `iptables -N USERCHAIN; -A INPUT -p icmp -j USERCHAIN; -A USERCHAIN -p icmp -j DROP`
    void user_chain_drop(const std::string& iptables) {
        ASSERT_EQ(ns_->run(ns_->b(), iptables + " -N USERCHAIN && " + iptables +
                                         " -A INPUT -p tcp -j ACCEPT && " + iptables +
                                         " -A INPUT -p icmp -j USERCHAIN && " + iptables +
                                         " -A USERCHAIN -p icmp -j DROP"),
                  0);
    }
    void expect_user_chain_path(const std::string& iptables, const std::string& backend) {
        user_chain_drop(iptables);
        ToolRun run({"--iptables-trace", "--netns", ns_->b(), "-p", "icmp", "-o", "json"});
        ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
        EXPECT_NE(our_traces(ns_->b()), "") << "the run's rules are tagged";
        ping(ns_->a(), NetnsPair::kAddrB);
        EXPECT_TRUE(wait_for_output(run, "\"chain\":\"USERCHAIN\"")) << run.stderr_text();
        EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();

        auto jumps = json_lines_with(run, "chain", "INPUT");
        ASSERT_FALSE(jumps.empty()) << run.stdout_text();
        EXPECT_EQ(json_string(jumps.back(), "verdict"), "jump USERCHAIN") << jumps.back();
        EXPECT_EQ(json_value(jumps.back(), "rule"), "2");
        auto drops = json_lines_with(run, "chain", "USERCHAIN");
        ASSERT_FALSE(drops.empty()) << run.stdout_text();
        const auto& drop = drops.front();
        EXPECT_EQ(json_string(drop, "type"), "trace");
        EXPECT_EQ(json_string(drop, "backend"), backend) << drop;
        EXPECT_EQ(json_string(drop, "table"), "filter");
        EXPECT_EQ(json_value(drop, "rule"), "1");
        EXPECT_EQ(json_string(drop, "verdict"), "DROP");
        EXPECT_EQ(json_string(drop, "rule_text"), "-A USERCHAIN -p icmp -j DROP");
        EXPECT_EQ(json_string(drop, "saddr"), NetnsPair::kAddrA);
        EXPECT_EQ(json_string(drop, "daddr"), NetnsPair::kAddrB);
        EXPECT_EQ(json_string(drop, "l4"), "ICMP");
        EXPECT_NE(run.stderr_text().find("trace steps"), std::string::npos) << run.stderr_text();
    }

    std::unique_ptr<NetnsPair> ns_;
    std::string all_netns_, log2_, log10_;
};

TEST_F(NetfilterLive, LegacyUserChainDropNamesTableChainRuleAndVerdict) {
    expect_user_chain_path("iptables-legacy", "iptables-legacy");
}

TEST_F(NetfilterLive, NftCompatUserChainDropNamesTableChainRuleAndVerdict) {
    expect_user_chain_path("iptables-nft", "iptables-nft");
}

TEST_F(NetfilterLive, NativeNftDropNamesChainAndHandle) {
    ASSERT_EQ(ns_->run(ns_->b(),
                       "nft add table inet ftnt_test && nft add chain inet ftnt_test "
                       "input \"{ type filter hook input priority 0; }\" && nft add "
                       "rule inet ftnt_test input icmp type echo-request drop"),
              0);
    auto rules = netfilter::parse_nft_chain_listing(
        shell_output("ip netns exec " + ns_->b() + " nft -a list chain inet ftnt_test input"));
    ASSERT_EQ(rules.size(), 1u);
    std::string handle = std::to_string(rules[0].handle);

    ToolRun run({"--iptables-trace", "--netns", ns_->b(), "--addr", NetnsPair::kAddrA});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    ping(ns_->a(), NetnsPair::kAddrB);
    std::string expected = "inet ftnt_test:input:handle " + handle + " → drop";
    EXPECT_TRUE(wait_for_output(run, expected)) << run.stdout_text() << run.stderr_text();
    EXPECT_NE(run.stdout_text().find("icmp type echo-request drop"), std::string::npos);
    EXPECT_NE(run.stdout_text().find("ICMP 192.0.2.1 -> 192.0.2.2 echo request"), std::string::npos)
        << run.stdout_text();
    EXPECT_EQ(run.stop(SIGTERM), 0) << run.stderr_text();
}

// The nf_tables steps ftnettrace reads with its own netlink reader are those `nft monitor
// trace` (nftables' own reader) prints for the same packets, in order: echo 1 jumps to uc,
// goes on and ends in the policy; echo 2 is dropped in uc.
TEST_F(NetfilterLive, NativeNftStepsAreThoseNftMonitorTracePrints) {
    ASSERT_EQ(ns_->run(ns_->b(),
                       "nft add table inet t && nft add chain inet t input "
                       "\"{ type filter hook input priority 0; }\" && nft add chain inet t uc && "
                       "nft add rule inet t input ip protocol icmp jump uc && "
                       "nft add rule inet t uc ip protocol icmp counter && "
                       "nft add rule inet t uc icmp sequence 2 drop"),
              0);
    std::string monitor_out = "/tmp/ftnt-" + std::to_string(::getpid()) + "-monitor.txt";
    std::string monitor_pid = monitor_out + ".pid";
    ns_->run(ns_->b(),
             "timeout 60 nft monitor trace >" + monitor_out + " 2>&1 & echo $! >" + monitor_pid);
    std::this_thread::sleep_for(std::chrono::seconds(1));  // nft joins the group
    ToolRun run({"--iptables-trace", "--netns", ns_->b(), "-p", "icmp", "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    ping(ns_->a(), NetnsPair::kAddrB, 2);
    EXPECT_TRUE(wait_for_output(run, "\"verdict\":\"drop\"")) << run.stdout_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the monitor's last lines
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    shell("kill $(cat " + monitor_pid + ") 2>/dev/null; rm -f " + monitor_pid);

    using Step = std::pair<std::string, std::string>;  // chain, verdict
    std::vector<Step> ours, oracle;
    for (const auto& step : parse_json_lines(run.stdout_text()))
        if (step.value("type", "") == "trace" && step.value("table", "") == "t")
            ours.emplace_back(step.value("chain", ""), step.value("verdict", ""));
    std::istringstream lines(shell_output("cat " + monitor_out));
    shell("rm -f " + monitor_out);
    std::regex rule(R"(^trace id \S+ inet t (\S+) rule .* \(verdict ([^)]+)\)$)");
    std::regex end(R"(^trace id \S+ inet t (\S+) (?:policy|verdict) (\S+) ?$)");
    std::smatch m;
    std::string line;
    while (std::getline(lines, line))
        if (std::regex_match(line, m, rule) || std::regex_match(line, m, end))
            oracle.emplace_back(m[1], m[2]);
    ASSERT_GE(oracle.size(), 6u) << "nft monitor trace saw too little";
    EXPECT_EQ(ours, oracle) << run.stdout_text();
}

class NetfilterAcceptPath : public NetfilterLive,
                            public ::testing::WithParamInterface<const char*> {};

TEST_P(NetfilterAcceptPath, TcpSynToAnAcceptedPortShowsAccept) {
    std::string iptables = GetParam();
    ASSERT_EQ(ns_->run(ns_->b(), iptables + " -A INPUT -p tcp --dport 7101 -j ACCEPT && " +
                                     iptables + " -A INPUT -p tcp -j DROP"),
              0);
    ToolRun run({"--iptables-trace", "--netns", ns_->b(), "-p", "tcp", "-D", "7101"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_connect(ns_->a(), NetnsPair::kAddrB, 7101);  // accepted, then refused: no listener
    EXPECT_TRUE(wait_for_output(run, "filter:INPUT:rule 1"))
        << run.stdout_text() << run.stderr_text();
    EXPECT_EQ(run.stop(SIGHUP), 0) << run.stderr_text();
    auto out = run.stdout_text();
    EXPECT_NE(out.find("→ ACCEPT"), std::string::npos) << out;
    EXPECT_NE(out.find("-A INPUT -p tcp -m tcp --dport 7101 -j ACCEPT"), std::string::npos) << out;
    EXPECT_NE(out.find("TCP 192.0.2.1:"), std::string::npos) << out;
    EXPECT_NE(out.find("-> 192.0.2.2:7101 SYN"), std::string::npos) << out;
    EXPECT_EQ(out.find("→ DROP"), std::string::npos) << out;
}

INSTANTIATE_TEST_SUITE_P(Backends, NetfilterAcceptPath,
                         ::testing::Values("iptables-legacy", "iptables-nft"));

class NetfilterSigkill : public NetfilterLive, public ::testing::WithParamInterface<const char*> {};

TEST_P(NetfilterSigkill, CleanupRemovesRulesAndRestoresSysctls) {
    std::string iptables = GetParam();
    ASSERT_EQ(ns_->run(ns_->b(), iptables + " -A INPUT -p icmp -j ACCEPT"), 0);
    pid_t pid;
    {
        ToolRun run({"--iptables-trace", "--log-invalid", "--netns", ns_->b(), "-p", "icmp"});
        ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
        pid = run.pid();
        EXPECT_EQ(sysctl_value("", "net.netfilter.nf_log_all_netns"), "1");
        EXPECT_EQ(run.stop(SIGKILL), -SIGKILL);
    }
    EXPECT_NE(our_traces(ns_->b()).find("ftnettrace"), std::string::npos)
        << "SIGKILL should leave the rules for --cleanup";
    std::string out;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, nullptr), 0);
    EXPECT_NE(out.find(std::to_string(pid)), std::string::npos) << out;
    EXPECT_NE(out.find("restored net.netfilter.nf_log_all_netns=" + all_netns_), std::string::npos)
        << out;
    // TearDown checks that nothing of ours is left and every sysctl has its old value.
}

INSTANTIATE_TEST_SUITE_P(Backends, NetfilterSigkill,
                         ::testing::Values("iptables-legacy", "iptables-nft"));

TEST_F(NetfilterLive, CountAndDurationEndTheRun) {
    ASSERT_EQ(ns_->run(ns_->b(), "iptables-legacy -A INPUT -p icmp -j DROP"), 0);
    {
        ToolRun run(
            {"--iptables-trace", "--netns", ns_->b(), "-p", "icmp", "-c", "2", "-o", "json"});
        ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
        ping(ns_->a(), NetnsPair::kAddrB, 3);
        EXPECT_EQ(run.wait_exit(10), 0) << run.stderr_text();
        EXPECT_EQ(run.stdout_lines().size(), 2u) << run.stdout_text();
    }
    EXPECT_EQ(our_traces(ns_->b()), "");
    ToolRun run({"--iptables-trace", "--netns", ns_->b(), "--duration", "1"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    EXPECT_EQ(run.wait_exit(10), 0) << run.stderr_text();
}

TEST_F(NetfilterLive, TwoRunsAtOnceUseTheirOwnTagsAndHandOverTheSysctl) {
    ASSERT_EQ(ns_->run(ns_->b(), "iptables-legacy -A INPUT -p icmp -j DROP"), 0);
    ToolRun first({"--iptables-trace", "--netns", ns_->b(), "-p", "icmp"});
    ASSERT_TRUE(first.wait_ready()) << first.stderr_text();
    ToolRun second({"--iptables-trace", "--netns", ns_->b(), "--addr", NetnsPair::kAddrA});
    ASSERT_TRUE(second.wait_ready()) << second.stderr_text();
    auto rules = our_traces(ns_->b());
    EXPECT_NE(rules.find("ftnettrace:" + std::to_string(first.pid())), std::string::npos);
    EXPECT_NE(rules.find("ftnettrace:" + std::to_string(second.pid())), std::string::npos);
    EXPECT_EQ(first.stop(SIGINT), 0);
    rules = our_traces(ns_->b());
    EXPECT_EQ(rules.find("ftnettrace:" + std::to_string(first.pid())), std::string::npos);
    EXPECT_NE(rules.find("ftnettrace:" + std::to_string(second.pid())), std::string::npos);
    EXPECT_EQ(sysctl_value("", "net.netfilter.nf_log_all_netns"), "1")
        << "the second run still needs it";
    ping(ns_->a(), NetnsPair::kAddrB);
    EXPECT_TRUE(wait_for_output(second, "filter:INPUT:rule 1 → DROP")) << second.stdout_text();
    EXPECT_EQ(second.stop(SIGINT), 0);
}

// Issue 11 item 14: the kernel log names no namespace and lo exists in every one. Two
// iptables-legacy runs in two namespaces, pings on lo in one: only that run shows steps; the
// other drops the TRACE lines its LOG rule did not announce, and says how many.
class NetfilterLegacyNamespaces : public NetfilterLive,
                                  public ::testing::WithParamInterface<int> {};

uint64_t foreign_lines(const std::string& err) {
    static const std::regex kCount(R"(, (\d+) TRACE lines of other namespaces dropped)");
    std::smatch found;
    return std::regex_search(err, found, kCount) ? std::stoull(found[1].str()) : 0;
}

TEST_P(NetfilterLegacyNamespaces, PingOnLoShowsOnlyInTheRunOfItsNamespace) {
    bool v6 = GetParam() == 6;
    for (const auto& name : {ns_->a(), ns_->b()})
        ASSERT_EQ(ns_->run(name,
                           "ip link set lo up && iptables-legacy -A INPUT -p tcp -j ACCEPT "
                           "&& ip6tables-legacy -A INPUT -p tcp -j ACCEPT"),
                  0);
    const char* proto = v6 ? "icmpv6" : "icmp";
    ToolRun in_a({"--iptables-trace", "--netns", ns_->a(), "-p", proto, "-o", "json"});
    ASSERT_TRUE(in_a.wait_ready()) << in_a.stderr_text();
    ToolRun in_b({"--iptables-trace", "--netns", ns_->b(), "-p", proto, "-o", "json"});
    ASSERT_TRUE(in_b.wait_ready()) << in_b.stderr_text();
    ping(ns_->a(), v6 ? "::1" : "127.0.0.1", 2);
    EXPECT_TRUE(wait_for_output(in_a, "\"in\":\"lo\"")) << in_a.stderr_text();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // in_b reads the same lines
    EXPECT_EQ(in_a.stop(SIGINT), 0) << in_a.stderr_text();
    EXPECT_EQ(in_b.stop(SIGINT), 0) << in_b.stderr_text();
    auto on_lo = [](const ToolRun& run) {
        int steps = 0;
        for (const auto& step : parse_json_lines(run.stdout_text()))
            if (step.value("type", "") == "trace" &&
                (step.value("in", "") == "lo" || step.value("out", "") == "lo"))
                ++steps;
        return steps;
    };
    EXPECT_GT(on_lo(in_a), 0) << in_a.stdout_text();
    EXPECT_EQ(on_lo(in_b), 0) << "namespace a's pings in b's run:\n" << in_b.stdout_text();
    EXPECT_GT(foreign_lines(in_b.stderr_text()), 0u) << in_b.stderr_text();
    std::cerr << "steps on lo: " << on_lo(in_a) << " in a's run, " << on_lo(in_b)
              << " in b's; TRACE lines b dropped as another namespace's: "
              << foreign_lines(in_b.stderr_text()) << "\n";
    EXPECT_EQ(in_b.stderr_text().find("names no namespace"), std::string::npos);
    EXPECT_EQ(our_traces(ns_->a()), "");
}

INSTANTIATE_TEST_SUITE_P(Families, NetfilterLegacyNamespaces, ::testing::Values(4, 6),
                         [](const ::testing::TestParamInfo<int>& family) {
                             return "ipv" + std::to_string(family.param);
                         });

class NetfilterLogInvalid : public NetfilterLive,
                            public ::testing::WithParamInterface<const char*> {};

TEST_P(NetfilterLogInvalid, ShowsAnInvalidSegmentWithItsTuple) {
    std::string iptables = GetParam();  // decides the backend the namespace uses
    ASSERT_EQ(ns_->run(ns_->b(), iptables + " -A INPUT -p udp -j ACCEPT"), 0);
    ToolRun run({"--log-invalid", "--netns", ns_->b(), "-p", "tcp", "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_segment(ns_->a(), NetnsPair::kAddrA, NetnsPair::kAddrB, 40000, 7200, 0x03);  // SYN|FIN
    EXPECT_TRUE(wait_for_output(run, "\"type\":\"invalid\"")) << run.stderr_text();
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto lines = json_lines_with(run, "dport", "7200");
    ASSERT_FALSE(lines.empty()) << run.stdout_text();
    EXPECT_EQ(json_string(lines[0], "type"), "invalid");
    EXPECT_EQ(json_string(lines[0], "saddr"), NetnsPair::kAddrA);
    EXPECT_EQ(json_string(lines[0], "daddr"), NetnsPair::kAddrB);
    EXPECT_EQ(json_value(lines[0], "sport"), "40000");
    EXPECT_EQ(json_string(lines[0], "l4"), "TCP");
    EXPECT_EQ(json_string(lines[0], "tcp_flags"), "SYN FIN");
}

INSTANTIATE_TEST_SUITE_P(Backends, NetfilterLogInvalid,
                         ::testing::Values("iptables-legacy", "iptables-nft"));

TEST_F(NetfilterLive, FiltersARuleCannotSayAreUsageErrors) {
    std::string err;
    EXPECT_EQ(run_tool({"--iptables-trace", "-p", "arp"}, nullptr, &err), 2);
    EXPECT_NE(err.find("IPv4 and IPv6"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--iptables-trace", "-s", "10.0.0.300"}, nullptr, &err), 2);
    EXPECT_NE(err.find("10.0.0.300"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--iptables-trace", "--netns", "ftnt-no-such-ns"}, nullptr, &err), 2);
    EXPECT_NE(err.find("ftnt-no-such-ns"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--log-invalid", "--pid", "1"}, nullptr, &err), 2);
    EXPECT_EQ(run_tool({"--iptables-trace", "--steps-only", "--hooks"}, nullptr, &err), 2);
    EXPECT_NE(err.find("--hooks applies to packet paths"), std::string::npos) << err;
}

}  // namespace
}  // namespace ftnt::test
