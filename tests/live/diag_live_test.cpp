// `ftnettrace --diag` on the running kernel (6.18 here: tracepoints only), with traffic
// between namespaces the test makes. Other runs' traffic may show too: every assertion picks
// this test's packets by their port.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

struct JudgedPacket {
    nlohmann::json packet;
    std::vector<nlohmann::json> findings;  // the diagnosis objects printed after it
};

// Each packet record with the diagnosis records that follow it.
std::vector<JudgedPacket> judged_packets(const std::string& out) {
    std::vector<JudgedPacket> packets;
    for (const auto& line : parse_json_lines(out)) {
        auto type = line.value("type", "");
        if (type == "packet") packets.push_back({line, {}});
        if (type == "diagnosis" && !packets.empty()) packets.back().findings.push_back(line);
    }
    return packets;
}

std::vector<nlohmann::json> findings_of_rule(const std::vector<JudgedPacket>& packets,
                                             const std::string& rule) {
    std::vector<nlohmann::json> found;
    for (const auto& p : packets)
        for (const auto& f : p.findings)
            if (f.value("rule", "") == rule) found.push_back(f);
    return found;
}

// Runs the tool with `args`, makes traffic once it is attached, stops it with SIGINT.
std::string diag_run(std::vector<std::string> args, const std::function<void()>& traffic,
                     std::string* err = nullptr) {
    args.insert(args.begin(), {"-o", "json"});
    ToolRun run(args);
    EXPECT_TRUE(run.wait_ready()) << run.stderr_text();
    traffic();
    usleep(500'000);
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    if (err) *err = run.stderr_text();
    return run.stdout_text();
}

// A directory of the test's own rule files, removed at the end.
class RuleDir {
  public:
    RuleDir() {
        path_ = std::filesystem::temp_directory_path() /
                ("ftnettrace-rules-" + std::to_string(::getpid()));
        std::filesystem::create_directories(path_);
    }
    ~RuleDir() { std::filesystem::remove_all(path_); }
    void write(const std::string& name, const std::string& text) const {
        std::ofstream(path_ / name) << text;
    }
    std::string path() const { return path_.string(); }

  private:
    std::filesystem::path path_;
};

class DiagLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

// A DROP in a user chain of b's INPUT for TCP to `port`, with the given iptables backend.
// The rules go with the namespace.
void drop_in_user_chain(const NetnsPair& ns, const std::string& iptables, int port) {
    std::string p = std::to_string(port);
    ASSERT_EQ(ns.run(ns.b(), iptables + " -N ftnettrace_diag"), 0);
    ASSERT_EQ(ns.run(ns.b(), iptables + " -A ftnettrace_diag -p tcp --dport " + p + " -j DROP"), 0);
    ASSERT_EQ(ns.run(ns.b(), iptables + " -A INPUT -p tcp -j ftnettrace_diag"), 0);
}

void expect_firewall_drop(const std::string& iptables, int port) {
    NetnsPair ns(iptables == "iptables-legacy" ? "dleg" : "dnft");
    drop_in_user_chain(ns, iptables, port);
    if (::testing::Test::HasFatalFailure()) return;
    auto out = diag_run({"--diag-keep"}, [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, port); });
    // The dropped SYN carries no tuple here (no reset answers it): the packets of this
    // test are those that went through b's veth and were dropped by netfilter.
    std::string veth_b = "ftnt" + std::to_string(::getpid() % 100000) + "b";
    std::vector<nlohmann::json> ours;
    for (const auto& p : judged_packets(out)) {
        bool through_b = false;
        for (const auto& e : p.packet.value("events", nlohmann::json::array()))
            through_b |= e.value("dev", "") == veth_b;
        for (const auto& f : p.findings)
            if (through_b && f.value("rule", "") == "firewall-drop") ours.push_back(f);
    }
    // tcp_connect's SYN is retransmitted within its 3 s: at least one drop.
    ASSERT_GE(ours.size(), 1u) << out;
    EXPECT_EQ(ours[0].value("level", ""), "error");
    EXPECT_EQ(ours[0].value("reason", ""), "NETFILTER_DROP");
    EXPECT_TRUE(ours[0].value("message", "").starts_with("a netfilter rule dropped the packet"))
        << ours[0].dump();
    EXPECT_TRUE(ours[0].value("advice", "").starts_with("check the iptables/nftables rules"))
        << ours[0].dump();
}

TEST_F(DiagLive, IptablesLegacyDropInAUserChainIsAFirewallError) {
    if (shell("command -v iptables-legacy >/dev/null") != 0) GTEST_SKIP() << "no iptables-legacy";
    expect_firewall_drop("iptables-legacy", 7306);
}

TEST_F(DiagLive, IptablesNftDropInAUserChainIsAFirewallError) {
    if (shell("command -v iptables-nft >/dev/null") != 0) GTEST_SKIP() << "no iptables-nft";
    expect_firewall_drop("iptables-nft", 7307);
}

TEST_F(DiagLive, ClosedTcpPortIsAnErrorSayingNothingListens) {
    NetnsPair ns("dtcp");
    std::string err;
    auto out = diag_run(
        {"--diag-keep"}, [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7301); }, &err);
    std::vector<nlohmann::json> ours;
    for (const auto& f : findings_of_rule(judged_packets(out), "tcp-port-closed"))
        if (f.value("message", "").starts_with("nothing listens on TCP port 7301 at 192.0.2.2:"))
            ours.push_back(f);
    ASSERT_EQ(ours.size(), 1u) << out;
    const auto& f = ours[0];
    EXPECT_EQ(f.value("level", ""), "error");
    EXPECT_EQ(f.value("reason", ""), "NO_SOCKET");
    EXPECT_EQ(f.value("where", ""), "skb:kfree_skb");
    EXPECT_TRUE(f.value("location", "").starts_with("tcp_v4_rcv+0x")) << f.dump();
    EXPECT_TRUE(f.value("advice", "").starts_with("start the service on port 7301")) << f.dump();
    // This kernel has no kprobes: the rules at kernel functions are said to be idle.
    if (::access("/sys/kernel/tracing/kprobe_events", F_OK) != 0) {
        EXPECT_NE(err.find("ftnettrace: diag: 2 rules read points this run does not trace "
                           "(kernel functions: this kernel has no kprobes): nat, forwarded"),
                  std::string::npos)
            << err;
    }
}

TEST_F(DiagLive, ClosedUdpPortIsAnErrorSayingNothingListens) {
    NetnsPair ns("dudp");
    auto out = diag_run({"--diag-keep"}, [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7302, 1); });
    std::vector<nlohmann::json> ours;
    for (const auto& p : judged_packets(out))
        for (const auto& f : p.findings)
            if (f.value("message", "")
                    .starts_with("nothing listens on UDP port 7302 at 192.0.2.2:"))
                ours.push_back(f);
    ASSERT_EQ(ours.size(), 1u) << out;
    EXPECT_EQ(ours[0].value("level", ""), "error");
    EXPECT_EQ(ours[0].value("reason", ""), "NO_SOCKET");
    EXPECT_TRUE(ours[0].value("location", "").starts_with("__udp4_lib_rcv+0x")) << ours[0].dump();
    EXPECT_TRUE(ours[0].value("advice", "").starts_with("start the service on UDP port 7302"));
}

TEST_F(DiagLive, ARuleFileOfTheUsersOwnFires) {
    NetnsPair ns("drul");
    RuleDir rules;
    rules.write("mine.def",
                "[rule my-port]\n"
                "at = skb:kfree_skb\n"
                "when = reason == NO_SOCKET and dport == 7303\n"
                "level = warn\n"
                "message = my rule saw port {dport} refused ({reason})\n"
                "advice = start my daemon\n");
    auto out = diag_run({"--diag-keep", "--rules", rules.path()},
                        [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7303); });
    auto mine = findings_of_rule(judged_packets(out), "my-port");
    ASSERT_EQ(mine.size(), 1u) << out;
    EXPECT_EQ(mine[0].value("level", ""), "warn");
    EXPECT_EQ(mine[0].value("message", ""), "my rule saw port 7303 refused (NO_SOCKET)");
    EXPECT_EQ(mine[0].value("advice", ""), "start my daemon");
}

TEST_F(DiagLive, NoRouteOnTheReceivingHostIsAnErrorNamingTheDestination) {
    NetnsPair ns("drte");
    // a sends to 198.51.100.7 through b, which forwards but has no route for it: b drops it
    // (IP_INNOROUTES) and answers net unreachable, whose icmp:icmp_send (6.10+) names the
    // packet's addresses. (With forwarding off, ip_error drops it without an answer, and the
    // destination stays unknown on a kernel without kprobes.)
    ASSERT_EQ(ns.run(ns.a(), "ip route add 198.51.100.0/24 via 192.0.2.2"), 0);
    ASSERT_EQ(ns.run(ns.b(), "sysctl -qw net.ipv4.ip_forward=1"), 0);
    auto out = diag_run({"--diag-keep"}, [&] { udp_send(ns.a(), "198.51.100.7", 7308, 1); });
    auto found = findings_of_rule(judged_packets(out), "no-route-in");
    std::vector<nlohmann::json> ours;
    for (const auto& f : found)
        if (f.value("message", "").starts_with("the receiving host has no route for 198.51.100.7"))
            ours.push_back(f);
    ASSERT_EQ(ours.size(), 1u) << out;
    EXPECT_EQ(ours[0].value("level", ""), "error");
    EXPECT_EQ(ours[0].value("reason", ""), "IP_INNOROUTES");
    EXPECT_TRUE(ours[0].value("advice", "").starts_with("add a route for 198.51.100.7"));
}

TEST_F(DiagLive, ABadRuleFileExitsTwoNamingFileAndLine) {
    RuleDir rules;
    rules.write("bad.def", "[rule r]\nat = skb:kfree_skb\nwhen = port == 80\nmessage = m\n");
    std::string out, err;
    EXPECT_EQ(run_tool({"--rules", rules.path()}, &out, &err), 2) << err;
    EXPECT_NE(err.find("bad rule at " + rules.path() + "/bad.def:3: unknown field 'port'"),
              std::string::npos)
        << err;
    EXPECT_TRUE(out.empty()) << out;
}

TEST_F(DiagLive, DiagStopsAfterTheFirstPacketWithAnError) {
    NetnsPair ns("dstp");
    ToolRun run({"-o", "json", "--diag"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7304);
    // It ends by itself (another run's error packet may come first: it ends on that one).
    int code = run.wait_exit(10);
    if (code == -1000) run.stop(SIGINT);
    ASSERT_EQ(code, 0) << run.stderr_text();
    auto packets = judged_packets(run.stdout_text());
    ASSERT_FALSE(packets.empty());
    bool error = false;
    for (const auto& f : packets.back().findings) error |= f.value("level", "") == "error";
    EXPECT_TRUE(error) << run.stdout_text();
    for (std::size_t i = 0; i + 1 < packets.size(); ++i)
        for (const auto& f : packets[i].findings)
            EXPECT_NE(f.value("level", ""), "error") << "an error packet before the last";
}

TEST_F(DiagLive, DiagQuietShowsOnlyAbnormalPackets) {
    NetnsPair ns("dqui");
    auto out = diag_run({"--diag-quiet", "--diag-keep"}, [&] {
        ping(ns.a(), NetnsPair::kAddrB, 3);  // answered: normal packets
        tcp_connect(ns.a(), NetnsPair::kAddrB, 7305);
    });
    auto packets = judged_packets(out);
    ASSERT_FALSE(findings_of_rule(packets, "tcp-port-closed").empty()) << out;
    for (const auto& p : packets) {
        bool abnormal = false;
        for (const auto& f : p.findings) abnormal |= f.value("level", "") != "info";
        EXPECT_TRUE(abnormal) << p.packet.dump();
    }
}

}  // namespace
}  // namespace ftnt::test
