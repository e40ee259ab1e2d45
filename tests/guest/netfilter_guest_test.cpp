// Netfilter in the path, inside the Debian-kernel guest (kprobes): --iptables-trace steps
// joined to the packet they belong to, with the kretprobe verdicts and --hooks around them.
#include <gtest/gtest.h>
#include <signal.h>

#include <iostream>

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
    // The packet object one of whose firewall steps has every field of `step`, or null.
    static nlohmann::json packet_with_step(const std::vector<nlohmann::json>& objects,
                                           const nlohmann::json& step) {
        for (const auto& p : packets(objects))
            if (step_index(p, step) >= 0) return p;
        return nullptr;
    }
    // Index in the packet's "firewall" array of the first step with every field of `step`,
    // or -1.
    static int step_index(const nlohmann::json& packet, const nlohmann::json& step) {
        auto firewall = packet.value("firewall", nlohmann::json::array());
        for (std::size_t i = 0; i < firewall.size(); ++i) {
            bool all = true;
            for (const auto& [key, value] : step.items())
                all = all && firewall[i].contains(key) && firewall[i][key] == value;
            if (all) return static_cast<int>(i);
        }
        return -1;
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
    auto objects =
        run({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "-t", "netfilter,life"},
            [&] { ns.run(ns.a(), "ping -c 1 -W 2 " + std::string(NetnsPair::kAddrB)); });
    EXPECT_EQ(our_rules(ns.b()), "") << "rules left behind";
    const nlohmann::json drop_step = {
        {"chain", "USERCHAIN"}, {"step", "rule"}, {"rule", 1}, {"verdict", "DROP"}};
    auto packet = packet_with_step(objects, drop_step);
    ASSERT_FALSE(packet.is_null()) << dump(objects) << stderr_;
    // The jump from INPUT comes before the drop in USERCHAIN, both in this packet's block.
    int jump = step_index(
        packet, {{"chain", "INPUT"}, {"step", "rule"}, {"rule", 1}, {"verdict", "jump USERCHAIN"}});
    EXPECT_GE(jump, 0) << packet.dump();
    EXPECT_LT(jump, step_index(packet, drop_step)) << packet.dump();
    // The path around it: the kernel's verdict (where the table's module has BTF: the
    // prototype of ipt_do_table / nft_do_chain comes from it) and the drop.
    if (iptables == "iptables-legacy" && module_has_btf("ip_tables"))
        EXPECT_TRUE(has_field(packet, "verdict", "2.filter.INPUT.DROP")) << packet.dump();
    else if (iptables == "iptables-nft" && module_has_btf("nf_tables"))
        EXPECT_TRUE(has_prefix(packet, "verdict", "table filter chain INPUT")) << packet.dump();
    else
        std::cout << "verdict not checked: no BTF for the table's module here\n";
    EXPECT_TRUE(has_field(packet, "reason", "NETFILTER_DROP")) << packet.dump();
    EXPECT_TRUE(has_field(packet, "icmp_type", 8)) << packet.dump();
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
    auto objects =
        run({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "-t", "netfilter,life"},
            [&] { ns.run(ns.a(), "ping -c 1 -W 2 " + std::string(NetnsPair::kAddrB)); });
    EXPECT_EQ(our_rules(ns.b()), "");
    auto packet = packet_with_step(
        objects,
        {{"chain", "input"}, {"step", "rule"}, {"handle", std::stoi(handle)}, {"verdict", "drop"}});
    ASSERT_FALSE(packet.is_null()) << dump(objects) << stderr_;
    if (module_has_btf("nf_tables")) {  // nft_do_chain's prototype and nft_chain from it
        EXPECT_TRUE(has_prefix(packet, "verdict", "table t chain input")) << packet.dump();
    }
}

TEST_F(NetfilterGuest, HooksNameTheHookFunctionsOfTheDroppingHook) {
    NetnsPair ns("nfh");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7110 -j DROP"), 0);
    auto objects = run({"--hooks", "-D", "7110", "--netns", ns.b(), "-t", "netfilter,life"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7110, 1); });
    bool found = false;
    for (const auto& p : packets(objects)) {
        // iptable_filter registers ipt_do_table itself since 5.17 (iptable_filter_hook before).
        found = found || find_event(p, [](const auto& e) {
                    auto hooks = e.value("hooks", nlohmann::json::array());
                    return e.value("verdict", "") == "ipv4.INPUT.DROP" &&
                           (any_contains(hooks, "ipt_do_table") ||
                            any_contains(hooks, "iptable_filter_hook"));
                });
        EXPECT_FALSE(has_field(p, "ret", 4294967295LL)) << "an int read as s64: " << p.dump();
    }
    EXPECT_TRUE(found) << dump(objects) << stderr_;
}

TEST_F(NetfilterGuest, StepsOnlyPrintsTheStepsAlone) {
    NetnsPair ns("nfs");
    user_chain_drop(ns, "iptables-legacy");
    auto objects = run({"--iptables-trace", "--steps-only", "--netns", ns.b(), "-p", "icmp"},
                       [&] { ns.run(ns.a(), "ping -c 1 -W 2 " + std::string(NetnsPair::kAddrB)); });
    EXPECT_EQ(our_rules(ns.b()), "");
    bool drop = false;
    for (const auto& step : of_type(objects, "trace"))
        drop =
            drop || (step.value("chain", "") == "USERCHAIN" && step.value("verdict", "") == "DROP");
    EXPECT_TRUE(drop) << dump(objects) << stderr_;
    EXPECT_TRUE(packets(objects).empty());
}

}  // namespace
}  // namespace ftnt::test
