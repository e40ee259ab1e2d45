// Netfilter in the path, inside the Debian-kernel guest (kprobes): --iptables-trace steps
// joined to the packet they belong to, with the kretprobe verdicts and --hooks around them.
#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

bool have(const std::string& command) {
    return shell("command -v " + command + " >/dev/null 2>&1") == 0;
}

// Rules and tables of ours in the namespace, in every backend.
std::string our_rules(const std::string& ns) {
    std::string all;
    for (const char* dump : {"iptables-legacy-save", "iptables-nft-save", "nft list ruleset"})
        all += shell_output("ip netns exec " + ns + " " + dump + " 2>/dev/null");
    std::string found;
    std::size_t at = 0;
    while ((at = all.find("ftnettrace", at)) != std::string::npos) {
        auto end = all.find('\n', at);
        found += all.substr(at, end - at) + "\n";
        at = end == std::string::npos ? all.size() : end;
    }
    return found;
}

class NetfilterGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        if (IsSkipped()) return;
        if (!have("iptables-legacy") || !have("iptables-nft") || !have("nft"))
            GTEST_SKIP() << "iptables-legacy, iptables-nft and nft are needed";
    }
    // `-N USERCHAIN; -A INPUT -p icmp -j USERCHAIN; -A USERCHAIN -p icmp -j DROP`
    void user_chain_drop(const NetnsPair& ns, const std::string& iptables) {
        ASSERT_EQ(ns.run(ns.b(), iptables + " -N USERCHAIN && " + iptables +
                                     " -A INPUT -p icmp -j USERCHAIN && " + iptables +
                                     " -A USERCHAIN -p icmp -j DROP"),
                  0);
    }
    // The packet object one of whose firewall steps matches `step` (a regex on one step
    // object), or "".
    static std::string packet_with_step(const std::vector<std::string>& lines,
                                        const std::string& step) {
        std::regex pattern("\\{[^{}]*" + step + "[^{}]*\\}");
        for (const auto& p : packets(lines)) {
            auto firewall = p.find("\"firewall\":[");
            if (firewall != std::string::npos &&
                std::regex_search(p.begin() + static_cast<std::ptrdiff_t>(firewall), p.end(),
                                  pattern))
                return p;
        }
        return "";
    }
};

class NetfilterGuestBackends : public NetfilterGuest,
                               public ::testing::WithParamInterface<const char*> {};

INSTANTIATE_TEST_SUITE_P(Backends, NetfilterGuestBackends,
                         ::testing::Values("iptables-legacy", "iptables-nft"),
                         [](const auto& param_info) {
                             return std::string(param_info.param) == "iptables-legacy" ? "legacy"
                                                                                       : "nft";
                         });

TEST_P(NetfilterGuestBackends, TraceStepsJoinTheDroppedPingsPath) {
    const std::string iptables = GetParam();
    NetnsPair ns("nfj");
    user_chain_drop(ns, iptables);
    auto lines = run({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "-t", "netfilter,life"},
                     [&] { ns.run(ns.a(), "ping -c 1 -W 2 " + std::string(NetnsPair::kAddrB)); });
    EXPECT_EQ(our_rules(ns.b()), "") << "rules left behind";
    auto packet = packet_with_step(
        lines, "\"chain\":\"USERCHAIN\",\"step\":\"rule\",\"rule\":1,[^{}]*\"verdict\":\"DROP\"");
    ASSERT_NE(packet, "") << ::testing::PrintToString(lines) << stderr_;
    auto firewall = packet.find("\"firewall\":[");
    // The jump from INPUT comes before the drop in USERCHAIN, both in this packet's block.
    auto jump = packet.find("\"chain\":\"INPUT\",\"step\":\"rule\",\"rule\":1,", firewall);
    EXPECT_NE(jump, std::string::npos) << packet;
    EXPECT_NE(packet.find("\"verdict\":\"jump USERCHAIN\"", jump), std::string::npos) << packet;
    EXPECT_LT(jump, packet.find("\"chain\":\"USERCHAIN\"", firewall)) << packet;
    // The path around it: the kernel's verdict and the drop.
    if (iptables == "iptables-legacy")
        EXPECT_NE(packet.find("\"verdict\":\"2.filter.INPUT.DROP\""), std::string::npos) << packet;
    else
        EXPECT_NE(packet.find("\"verdict\":\"table filter chain INPUT"), std::string::npos)
            << packet;
    EXPECT_NE(packet.find("\"reason\":\"NETFILTER_DROP\""), std::string::npos) << packet;
    EXPECT_NE(packet.find("\"icmp_type\":8"), std::string::npos) << packet;
    EXPECT_NE(stderr_.find("joined to packets"), std::string::npos) << stderr_;
}

TEST_F(NetfilterGuest, NativeNftDropJoinsWithItsChainAndHandle) {
    NetnsPair ns("nfn");
    ASSERT_EQ(ns.run(ns.b(),
                     "nft add table inet t && nft add chain inet t input "
                     "\"{ type filter hook input priority 0; }\" && "
                     "nft add rule inet t input icmp type echo-request drop"),
              0);
    auto handle = shell_output("ip netns exec " + ns.b() +
                               " nft -a list chain inet t input | sed -n "
                               "'s/.*echo-request drop # handle \\([0-9]*\\).*/\\1/p'");
    while (!handle.empty() && handle.back() == '\n') handle.pop_back();
    ASSERT_FALSE(handle.empty());
    auto lines = run({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "-t", "netfilter,life"},
                     [&] { ns.run(ns.a(), "ping -c 1 -W 2 " + std::string(NetnsPair::kAddrB)); });
    EXPECT_EQ(our_rules(ns.b()), "");
    auto packet =
        packet_with_step(lines, "\"chain\":\"input\",\"step\":\"rule\",[^{}]*\"handle\":" + handle +
                                    ",\"verdict\":\"drop\"");
    ASSERT_NE(packet, "") << ::testing::PrintToString(lines) << stderr_;
    EXPECT_NE(packet.find("\"verdict\":\"table t chain input"), std::string::npos) << packet;
}

TEST_F(NetfilterGuest, HooksNameTheHookFunctionsOfTheDroppingHook) {
    NetnsPair ns("nfh");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7110 -j DROP"), 0);
    auto lines = run({"--hooks", "-D", "7110", "--netns", ns.b(), "-t", "netfilter,life"},
                     [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7110, 1); });
    bool found = false;
    for (const auto& p : packets(lines)) {
        auto at = p.find("\"verdict\":\"ipv4.INPUT.DROP\"");
        if (at == std::string::npos) continue;
        // The same event: its hooks array comes before its verdict.
        auto hooks = p.rfind("\"hooks\":[", at);
        auto event = p.rfind("{\"type\":\"event\"", at);
        // iptable_filter registers ipt_do_table itself since 5.17 (iptable_filter_hook before).
        found = hooks != std::string::npos && hooks > event &&
                (p.find("ipt_do_table", hooks) < at || p.find("iptable_filter_hook", hooks) < at);
        if (found) break;
    }
    for (const auto& p : packets(lines))
        EXPECT_EQ(p.find("\"ret\":4294967295"), std::string::npos) << "an int read as s64: " << p;
    EXPECT_TRUE(found) << ::testing::PrintToString(lines) << stderr_;
}

TEST_F(NetfilterGuest, StepsOnlyPrintsTheStepsAlone) {
    NetnsPair ns("nfs");
    user_chain_drop(ns, "iptables-legacy");
    auto lines = run({"--iptables-trace", "--steps-only", "--netns", ns.b(), "-p", "icmp"},
                     [&] { ns.run(ns.a(), "ping -c 1 -W 2 " + std::string(NetnsPair::kAddrB)); });
    EXPECT_EQ(our_rules(ns.b()), "");
    bool drop = false;
    for (const auto& line : lines)
        drop = drop ||
               (json_string(line, "type") == "trace" && json_string(line, "chain") == "USERCHAIN" &&
                json_string(line, "verdict") == "DROP");
    EXPECT_TRUE(drop) << ::testing::PrintToString(lines) << stderr_;
    EXPECT_TRUE(packets(lines).empty());
}

}  // namespace
}  // namespace ftnt::test
