// `ftnettrace --drop` on the running kernel, with traffic between namespaces the test makes.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <functional>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

// Runs the tool with `args`, makes traffic once it is attached, stops it with SIGINT, and
// returns the JSON lines of type drop.
std::vector<std::string> drops_during(std::vector<std::string> args,
                                      const std::function<void()>& traffic,
                                      std::string* err = nullptr) {
    args.insert(args.begin(), {"--drop", "-o", "json"});
    ToolRun run(args);
    EXPECT_TRUE(run.wait_ready()) << run.stderr_text();
    traffic();
    usleep(300'000);
    EXPECT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    if (err) *err = run.stderr_text();
    std::vector<std::string> drops;
    for (const auto& line : run.stdout_lines())
        if (json_string(line, "type") == "drop") drops.push_back(line);
    return drops;
}

// The drops whose tuple or location says they are this test's packets.
std::vector<std::string> with(const std::vector<std::string>& drops, const std::string& key,
                              const std::string& value) {
    std::vector<std::string> out;
    for (const auto& d : drops)
        if (json_string(d, key) == value) out.push_back(d);
    return out;
}

bool location_starts(const std::string& drop, const std::string& function) {
    return json_string(drop, "location").rfind(function + "+0x", 0) == 0;
}

// The count of the summary row at __udp4_lib_rcv (0 when there is none).
uint64_t udp_rcv_count(const std::string& summary_line) {
    auto rows = parse_json_line(summary_line).value("drops", nlohmann::json::array());
    for (const auto& row : rows)
        if (row.value("location", "").rfind("__udp4_lib_rcv+0x", 0) == 0)
            return row.value("count", uint64_t{0});
    return 0;
}

class DropLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

TEST_F(DropLive, TcpSynToClosedPortIsNoSocketAtTcpV4Rcv) {
    NetnsPair ns("tcp4");
    auto drops = drops_during({"--reason", "NO_SOCKET"},
                              [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7001); });
    auto ours = with(drops, "dport", "7001");
    ASSERT_EQ(ours.size(), 1u) << ::testing::PrintToString(drops);
    EXPECT_EQ(json_string(ours[0], "reason"), "NO_SOCKET");
    EXPECT_TRUE(location_starts(ours[0], "tcp_v4_rcv")) << ours[0];
    EXPECT_EQ(json_string(ours[0], "proto"), "IPv4");
    EXPECT_EQ(json_string(ours[0], "saddr"), NetnsPair::kAddrA);
    EXPECT_EQ(json_string(ours[0], "daddr"), NetnsPair::kAddrB);
    EXPECT_EQ(json_string(ours[0], "l4"), "TCP");
}

TEST_F(DropLive, TcpSynToClosedPortOverIpv6IsNoSocketAtTcpV6Rcv) {
    NetnsPair ns("tcp6");
    auto drops = drops_during({"--reason", "NO_SOCKET", "--proto", "ipv6"},
                              [&] { tcp_connect(ns.a(), NetnsPair::kAddr6B, 7002); });
    auto ours = with(drops, "dport", "7002");
    ASSERT_EQ(ours.size(), 1u) << ::testing::PrintToString(drops);
    EXPECT_TRUE(location_starts(ours[0], "tcp_v6_rcv")) << ours[0];
    EXPECT_EQ(json_string(ours[0], "proto"), "IPv6");
    EXPECT_EQ(json_string(ours[0], "saddr"), NetnsPair::kAddr6A);
    EXPECT_EQ(json_string(ours[0], "daddr"), NetnsPair::kAddr6B);
}

TEST_F(DropLive, UdpToClosedPortIsNoSocketAtUdp4LibRcv) {
    NetnsPair ns("udp4");
    auto drops = drops_during({"--reason", "NO_SOCKET", "--proto", "udp"},
                              [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7003, 1, 7103); });
    auto ours = with(drops, "dport", "7003");
    ASSERT_EQ(ours.size(), 1u) << ::testing::PrintToString(drops);
    EXPECT_TRUE(location_starts(ours[0], "__udp4_lib_rcv")) << ours[0];
    EXPECT_EQ(json_string(ours[0], "sport"), "7103");
    EXPECT_EQ(json_string(ours[0], "l4"), "UDP");
    for (const auto& d : drops) EXPECT_EQ(json_string(d, "l4"), "UDP") << "--proto udp let " << d;
}

void iptables_drop_shows_location(const std::string& iptables, const std::string& function) {
    if (shell("command -v " + iptables + " >/dev/null") != 0)
        GTEST_SKIP() << iptables << " is not installed";
    NetnsPair ns("ipt");
    ASSERT_EQ(ns.run(ns.b(), iptables + " -A INPUT -p udp --dport 7004 -j DROP"), 0);
    // The same burst also holds a NO_SOCKET drop (port 7005) that --reason must hide.
    auto drops = drops_during({"--reason", "NETFILTER_DROP"}, [&] {
        udp_send(ns.a(), NetnsPair::kAddrB, 7004, 1);
        udp_send(ns.a(), NetnsPair::kAddrB, 7005, 1);
    });
    ASSERT_GE(drops.size(), 1u);
    for (const auto& d : drops) EXPECT_EQ(json_string(d, "reason"), "NETFILTER_DROP") << d;
    EXPECT_TRUE(location_starts(drops[0], function)) << drops[0];
    EXPECT_EQ(json_string(drops[0], "proto"), "IPv4");
}

TEST_F(DropLive, IptablesLegacyDropIsNetfilterDropAtNfHookSlow) {
    iptables_drop_shows_location("iptables-legacy", "nf_hook_slow");
}

TEST_F(DropLive, IptablesNftDropIsNetfilterDropAtNftDoChain) {
    iptables_drop_shows_location("iptables-nft", "nft_do_chain");
}

TEST_F(DropLive, ProtoFilterExcludesOtherFamilies) {
    NetnsPair ns("proto");
    auto drops = drops_during({"--proto", "ipv6"}, [&] {
        udp_send(ns.a(), NetnsPair::kAddrB, 7006, 1);
        udp_send(ns.a(), NetnsPair::kAddr6B, 7007, 1);
    });
    ASSERT_GE(drops.size(), 1u);
    for (const auto& d : drops) EXPECT_EQ(json_string(d, "proto"), "IPv6") << d;
    auto v6 = with(drops, "location", "");
    bool saw_udp6 = false;
    for (const auto& d : drops) saw_udp6 = saw_udp6 || location_starts(d, "__udp6_lib_rcv");
    EXPECT_TRUE(saw_udp6) << ::testing::PrintToString(drops);
}

TEST_F(DropLive, ExcludeReasonHidesIt) {
    NetnsPair ns("excl");
    auto drops = drops_during({"--exclude-reason", "NO_SOCKET"}, [&] {
        tcp_connect(ns.a(), NetnsPair::kAddrB, 7008);
        udp_send(ns.a(), NetnsPair::kAddrB, 7009, 1);
    });
    for (const auto& d : drops) EXPECT_NE(json_string(d, "reason"), "NO_SOCKET") << d;
}

TEST_F(DropLive, DropStackNamesTheCallChain) {
    NetnsPair ns("stack");
    auto drops = drops_during({"--reason", "NO_SOCKET", "--drop-stack"},
                              [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7010); });
    auto ours = with(drops, "dport", "7010");
    ASSERT_EQ(ours.size(), 1u);
    auto stack = parse_json_line(ours[0]).value("stack", nlohmann::json::array());
    ASSERT_TRUE(stack.is_array()) << ours[0];
    bool rcv = false, deliver = false;
    for (const auto& frame : stack) {
        auto name = frame.get<std::string>();
        rcv = rcv || name.rfind("tcp_v4_rcv+0x", 0) == 0;
        deliver = deliver || name.find("ip_local_deliver") != std::string::npos;
    }
    EXPECT_TRUE(rcv) << stack.dump();
    EXPECT_TRUE(deliver) << stack.dump();
}

TEST_F(DropLive, SummaryCountsByReasonAndLocation) {
    NetnsPair ns("sum");
    ToolRun run({"--drop", "--summary", "-o", "json", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(run.wait_ready());
    udp_send(ns.a(), NetnsPair::kAddrB, 7011, 20);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0);
    auto lines = run.stdout_lines();
    ASSERT_EQ(lines.size(), 1u) << run.stdout_text();
    EXPECT_EQ(json_string(lines[0], "type"), "summary");
    EXPECT_GE(udp_rcv_count(lines[0]), 20u) << lines[0];
}

TEST_F(DropLive, SummaryCountsInTheKernelOnceAPairIsKnown) {
    NetnsPair ns("count");
    ToolRun run({"--drop", "--summary", "-o", "json", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(run.wait_ready());
    udp_send(ns.a(), NetnsPair::kAddrB, 7017, 400);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0);
    auto lines = run.stdout_lines();
    ASSERT_FALSE(lines.empty());
    EXPECT_GE(udp_rcv_count(lines[0]), 400u) << lines[0];
    // Only the drops before the switch (the reader acts within ~100 ms) went through the
    // ring; the rest were counted in the kernel.
    auto err = run.stderr_text();
    auto seen = std::stoul(err.substr(err.find("ftnettrace: ", err.find("tracing")) + 12));
    EXPECT_LT(seen, 200u) << err;
}

// -p tcp: icmp:icmp_send's tuples (UDP) could let no drop through, so that join is not enabled
// (its events are not made at all); the TCP drop still gets its tuple from tcp:tcp_send_reset.
TEST_F(DropLive, AProtocolFilterLeavesOutTheJoinsOfOtherTransports) {
    NetnsPair ns("pjoin");
    ToolRun run({"--drop", "-o", "json", "-p", "tcp"});
    ASSERT_TRUE(run.wait_ready());
    udp_send(ns.a(), NetnsPair::kAddrB, 7021, 5);
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7022);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0);
    auto err = run.stderr_text();
    auto at = err.find("ftnettrace: tuples: joined from ");
    ASSERT_NE(at, std::string::npos) << err;
    auto line = err.substr(at, err.find('\n', at) - at);
    EXPECT_NE(line.find("tcp:tcp_send_reset"), std::string::npos) << line;
    EXPECT_EQ(line.find("icmp:icmp_send"), std::string::npos) << line;
    int tcp_drops = 0;
    for (const auto& drop : parse_json_lines(run.stdout_text())) {
        EXPECT_EQ(drop.value("l4", ""), "TCP") << drop.dump();
        tcp_drops += drop.value("dport", 0) == 7022;
    }
    EXPECT_EQ(tcp_drops, 1) << run.stdout_text();
    // Without -p the UDP join is there (icmp:icmp_send: 6.10+).
    if (::access("/sys/kernel/tracing/events/icmp/icmp_send", F_OK) != 0) return;
    ToolRun all({"--drop", "-o", "json"});
    ASSERT_TRUE(all.wait_ready());
    ASSERT_EQ(all.stop(SIGINT), 0);
    EXPECT_NE(all.stderr_text().find("icmp:icmp_send"), std::string::npos) << all.stderr_text();
}

TEST_F(DropLive, TextOutputIsTheDefault) {
    NetnsPair ns("text");
    ToolRun run({"--drop", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(run.wait_ready());
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7012);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGTERM), 0);
    auto text = run.stdout_text();
    EXPECT_NE(text.find("IPv4 TCP 192.0.2.1:"), std::string::npos) << text;
    EXPECT_NE(text.find(" -> 192.0.2.2:7012 reason NO_SOCKET at tcp_v4_rcv+0x"), std::string::npos)
        << text;
    EXPECT_NE(run.stderr_text().find(" lost, "), std::string::npos);
    // One line at start says where source lines come from, or why there are none.
    EXPECT_NE(run.stderr_text().find("ftnettrace: source lines: "), std::string::npos);
}

TEST_F(DropLive, TupleFilterIsCheckedOnTheJoinedTuple) {
    NetnsPair ns("tuple");
    auto drops = drops_during({"-D", "7015"}, [&] {
        tcp_connect(ns.a(), NetnsPair::kAddrB, 7015);
        tcp_connect(ns.a(), NetnsPair::kAddrB, 7016);
    });
    ASSERT_EQ(drops.size(), 1u) << ::testing::PrintToString(drops);
    EXPECT_EQ(json_string(drops[0], "dport"), "7015");
}

TEST_F(DropLive, FiltersDropCannotApplyAreRefused) {
    std::string err;
    EXPECT_EQ(run_tool({"--drop", "--netns-current"}, nullptr, &err), 2);
    EXPECT_NE(err.find("--netns-current does not apply to --drop"), std::string::npos) << err;
}

TEST_F(DropLive, LostEventsAreCountedAndShown) {
    NetnsPair ns("lost");
    // A one-page ring per CPU and a reader held stopped: the kernel must drop records and say so.
    ToolRun run({"--drop", "-o", "json", "--ring-pages", "1", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(run.wait_ready());
    ASSERT_EQ(::kill(run.pid(), SIGSTOP), 0);
    udp_send(ns.a(), NetnsPair::kAddrB, 7013, 400);
    ::kill(run.pid(), SIGCONT);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    uint64_t lost_in_stream = 0;
    for (const auto& line : run.stdout_lines())
        if (json_string(line, "type") == "lost")
            lost_in_stream += std::stoull(json_string(line, "lost"));
    EXPECT_GT(lost_in_stream, 0u) << run.stdout_text();
    auto err = run.stderr_text();
    auto at = err.find(" drops shown, ");
    ASSERT_NE(at, std::string::npos) << err;
    auto lost_in_summary = std::stoull(err.substr(at + 14));
    EXPECT_EQ(lost_in_summary, lost_in_stream) << err;
    EXPECT_NE(err.find("(cpu"), std::string::npos) << err;
}

TEST_F(DropLive, DateGivesWallClockTimes) {
    NetnsPair ns("date");
    ToolRun run({"--drop", "--date", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(run.wait_ready());
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7014);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0);
    char year[8];
    time_t now = ::time(nullptr);
    tm local;
    ::localtime_r(&now, &local);
    std::strftime(year, sizeof year, "[%Y-", &local);
    auto text = run.stdout_text();
    EXPECT_EQ(text.rfind(year, 0), 0u) << text;
    EXPECT_NE(text.find(":7014 reason NO_SOCKET"), std::string::npos) << text;
}

}  // namespace
}  // namespace ftnt::test
