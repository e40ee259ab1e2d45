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

#include "support/misbehaving_traffic.h"
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
        EXPECT_NE(err.find("ftnettrace: diag: 5 rules read points this run does not trace "
                           "(kernel functions: this kernel has no kprobes): ttl-expired-kprobe, "
                           "interface-down, tc-ingress-drop, nat, forwarded"),
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

// The findings of `rule` in the packets that had an event on the interface `dev` (this
// test's veth: other runs' traffic may be traced too).
std::vector<nlohmann::json> findings_through(const std::string& out, const std::string& dev,
                                             const std::string& rule) {
    std::vector<nlohmann::json> found;
    for (const auto& p : judged_packets(out)) {
        bool through = false;
        for (const auto& e : p.packet.value("events", nlohmann::json::array()))
            through |= e.value("dev", "") == dev;
        for (const auto& f : p.findings)
            if (through && f.value("rule", "") == rule) found.push_back(f);
    }
    return found;
}

std::string veth_of(char side) {
    return "ftnt" + std::to_string(::getpid() % 100000) + side;
}

void expect_finding(const std::vector<nlohmann::json>& found, const std::string& out,
                    const std::string& reason, const std::string& message,
                    const std::string& advice) {
    ASSERT_GE(found.size(), 1u) << out;
    const auto& f = found[0];
    EXPECT_EQ(f.value("level", ""), "error") << f.dump();
    EXPECT_EQ(f.value("reason", ""), reason) << f.dump();
    EXPECT_EQ(f.value("where", ""), "skb:kfree_skb") << f.dump();
    EXPECT_TRUE(f.value("message", "").starts_with(message)) << f.dump();
    EXPECT_TRUE(f.value("advice", "").starts_with(advice)) << f.dump();
}

// b, which forwards, reaches 198.51.100.0/24 through a veth pair of its own (both ends in b,
// gone with it) whose MTU is `mtu`; a routes that network through b.
void forward_through_b(const NetnsPair& ns, int mtu) {
    std::string inner = "ftnt" + std::to_string(::getpid() % 100000);
    ASSERT_EQ(ns.run(ns.b(), "ip link add " + inner + "f0 mtu " + std::to_string(mtu) +
                                 " type veth peer name " + inner + "f1 mtu " + std::to_string(mtu) +
                                 " && ip addr add 198.51.100.1/24 dev " + inner +
                                 "f0 && ip link set " + inner + "f0 up && ip link set " + inner +
                                 "f1 up && sysctl -qw net.ipv4.ip_forward=1"),
              0);
    ASSERT_EQ(ns.run(ns.a(), "ip route add 198.51.100.0/24 via 192.0.2.2"), 0);
}

TEST_F(DiagLive, ReversePathFilterDropIsAnErrorAboutTheRouteBack) {
    NetnsPair ns("drpf");
    // a sends from 10.9.9.9; b, with strict rp_filter, routes 10.9.9.0/24 out by another
    // interface (a veth pair of its own) than the one the packet came in on.
    std::string other = "ftnt" + std::to_string(::getpid() % 100000) + "r";
    ASSERT_EQ(ns.run(ns.a(), "ip addr add 10.9.9.9/32 dev lo"), 0);
    ASSERT_EQ(ns.run(ns.b(), "ip link add " + other + "0 type veth peer name " + other +
                                 "1 && ip link set " + other + "0 up && ip link set " + other +
                                 "1 up && ip route add 10.9.9.0/24 dev " + other + "0"),
              0);
    ASSERT_EQ(ns.run(ns.b(), "sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf." +
                                 veth_of('b') + ".rp_filter=1"),
              0);
    auto out = diag_run({"--diag-keep"}, [&] {
        ns.run(ns.a(), "ping -q -c 2 -i 0.2 -W 1 -I 10.9.9.9 192.0.2.2 >/dev/null");
    });
    expect_finding(findings_through(out, veth_of('b'), "rp-filter"), out, "IP_RPFILTER",
                   "reverse path filtering dropped the packet",
                   "fix the routing so that replies to");
}

TEST_F(DiagLive, UdpReceiveBufferFullIsAnErrorAboutTheReader) {
    NetnsPair ns("drcv");
    IdleServer unread(ns.b(), NetnsPair::kAddrB, 7310, IdleServer::Kind::UdpUnread);
    auto out = diag_run({"--diag-keep"}, [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7310, 20); });
    expect_finding(findings_through(out, veth_of('b'), "socket-buffer-full"), out, "SOCKET_RCVBUFF",
                   "the receiving socket's buffer was full",
                   "read faster or raise the buffer (SO_RCVBUF");
}

TEST_F(DiagLive, ListenBacklogOverflowIsAnErrorAboutAccept) {
    NetnsPair ns("dlst");
    IdleServer listener(ns.b(), NetnsPair::kAddrB, 7311, IdleServer::Kind::TcpNoAccept);
    auto out = diag_run({"--diag-keep"},
                        [&] { tcp_two_connections_with_data(ns.a(), NetnsPair::kAddrB, 7311); });
    expect_finding(findings_through(out, veth_of('b'), "listen-overflow"), out,
                   "TCP_LISTEN_OVERFLOW", "the listener on port",
                   "accept connections faster, or raise the listen() backlog");
}

TEST_F(DiagLive, TtlExpiredOnForwardIsAnErrorNamingTheDestination) {
    NetnsPair ns("dttl");
    forward_through_b(ns, 1500);
    if (HasFatalFailure()) return;
    auto out = diag_run({"--diag-keep"},
                        [&] { ns.run(ns.a(), "ping -q -c 1 -W 1 -t 1 198.51.100.7 >/dev/null"); });
    // The destination comes from icmp:icmp_send (6.10+), whose type and code say time
    // exceeded; the reason alone (IP_INHDR) would also mean a bad header.
    auto found = findings_through(out, veth_of('b'), "ttl-expired");
    expect_finding(found, out, "IP_INHDR",
                   "the packet's TTL ran out on its way to 198.51.100.7: this host would have "
                   "forwarded it",
                   "the sender's TTL is smaller than the number of hops (`traceroute "
                   "198.51.100.7`)");
    for (const auto& f : findings_through(out, veth_of('b'), "kernel-drop"))
        EXPECT_NE(f.value("reason", ""), "IP_INHDR") << "the bad-header words as well";
}

TEST_F(DiagLive, FragmentationNeededOnForwardIsAnErrorAboutTheMtu) {
    NetnsPair ns("dmtu");
    forward_through_b(ns, 1280);
    if (HasFatalFailure()) return;
    auto out = diag_run({"--diag-keep"}, [&] {
        ns.run(ns.a(), "ping -q -c 1 -W 1 -M do -s 1400 198.51.100.7 >/dev/null");
    });
    expect_finding(findings_through(out, veth_of('b'), "frag-needed"), out, "PKT_TOO_BIG",
                   "the packet to 198.51.100.7 is larger than the MTU",
                   "let Path MTU Discovery work (ICMP \"fragmentation needed\" must reach "
                   "192.0.2.1");
}

TEST_F(DiagLive, NeighbourResolutionFailureIsAnErrorNamingTheAddress) {
    NetnsPair ns("dnei");
    // Nobody has 192.0.2.99 on a's link; one ARP probe of 100 ms, so it fails fast.
    ASSERT_EQ(ns.run(ns.a(), "sysctl -qw net.ipv4.neigh." + veth_of('a') +
                                 ".retrans_time_ms=100 net.ipv4.neigh." + veth_of('a') +
                                 ".mcast_solicit=1"),
              0);
    auto out = diag_run({"--diag-keep"},
                        [&] { ns.run(ns.a(), "ping -q -c 2 -i 0.2 -W 1 192.0.2.99 >/dev/null"); });
    // The queued packet never reached a device: it is this test's by its address.
    std::vector<nlohmann::json> ours;
    for (const auto& f : findings_of_rule(judged_packets(out), "neighbour-failed"))
        if (f.value("message", "").find("towards 192.0.2.99") != std::string::npos)
            ours.push_back(f);
    expect_finding(ours, out, "NEIGH_FAILED",
                   "neighbour resolution failed: nobody answered ARP/NDP for the next hop "
                   "towards 192.0.2.99",
                   "check that the next hop");
}

TEST_F(DiagLive, UdpChecksumErrorIsAnErrorAboutTheSender) {
    NetnsPair ns("dcsm");
    auto out =
        diag_run({"--diag-keep"}, [&] { udp_with_bad_checksum(ns.a(), NetnsPair::kAddrB, 7312); });
    expect_finding(findings_through(out, veth_of('b'), "checksum-error"), out, "UDP_CSUM",
                   "a checksum of the packet from", "look at the link and the sender");
}

TEST_F(DiagLive, QdiscDropIsAnErrorAboutTheQueue) {
    NetnsPair ns("dqdc");
    // A token bucket of 8 kbit/s and one packet of queue on a's veth: a burst overflows it.
    ASSERT_EQ(ns.run(ns.a(), "tc qdisc add dev " + veth_of('a') +
                                 " root tbf rate 8kbit burst 1600 limit 1600"),
              0);
    auto out = diag_run({"--diag-keep"}, [&] {
        ns.run(ns.a(), "ping -q -c 10 -i 0.002 -s 1200 -w 2 192.0.2.2 >/dev/null");
    });
    expect_finding(findings_through(out, veth_of('a'), "qdisc-drop"), out, "QDISC_DROP",
                   "the queueing discipline of the interface the packet left by dropped it",
                   "`tc -s qdisc show` shows the qdisc and its drops");
}

}  // namespace
}  // namespace ftnt::test
