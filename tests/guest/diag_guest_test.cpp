// `ftnettrace --diag` where rules need kprobes: NAT seen at nf_nat_manip_pkt, a TTL that ran
// out on forward known by __icmp_send's type and code, the netfilter hook blamed for a DROP.
// Run in the guest's Debian kernels.
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

class DiagGuest : public PathGuest {
  protected:
    // The rule names of the run's "diag: N rules read points this run does not trace" line.
    static std::set<std::string> idle_rules(const std::string& err) {
        const std::string start = "ftnettrace: diag: ";
        auto at = err.find(start);
        if (at == std::string::npos) return {};
        auto line = err.substr(at, err.find('\n', at) - at);
        auto names = line.substr(line.rfind(": ") + 2);  // rule names hold no ": "
        std::set<std::string> out;
        std::stringstream list(names);
        for (std::string name; std::getline(list, name, ',');)
            out.insert(name.substr(name.find_first_not_of(' ')));
        return out;
    }
    // The diagnosis objects of `rule` that follow a packet for which `ours` holds.
    template <class Ours>
    static std::vector<nlohmann::json> findings(const std::vector<nlohmann::json>& objects,
                                                const std::string& rule, Ours ours) {
        std::vector<nlohmann::json> found;
        bool in_ours = false;
        for (const auto& object : objects) {
            auto type = object.value("type", "");
            if (type == "packet") in_ours = ours(object);
            if (type == "diagnosis" && in_ours && object.value("rule", "") == rule)
                found.push_back(object);
        }
        return found;
    }
};

TEST_F(DiagGuest, SnatIsAWarningAtTheRewrite) {
    NetnsPair ns("dsnat");
    std::string veth = "ftnt" + std::to_string(::getpid() % 100000) + "a";
    ASSERT_EQ(ns.run(ns.a(), "ip addr add 192.0.2.11/24 dev " + veth +
                                 " && iptables-legacy -t nat -A POSTROUTING -p udp --dport 7120 "
                                 "-j SNAT --to-source 192.0.2.11"),
              0);
    auto objects = run({"--diag-keep", "-p", "udp", "-P", "7120"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7120, 1); });
    auto nat = findings(objects, "nat", [](const nlohmann::json& p) {
        return has_field(p, "saddr", "192.0.2.11") && has_func(p, "nf_nat_manip_pkt");
    });
    ASSERT_GE(nat.size(), 1u) << dump(objects) << stderr_;
    EXPECT_EQ(nat[0].value("level", ""), "warn");
    EXPECT_EQ(nat[0].value("where", ""), "nf_nat_manip_pkt");
    EXPECT_TRUE(nat[0].value("message", "").starts_with("NAT happened")) << nat[0].dump();
    EXPECT_TRUE(nat[0].value("advice", "").starts_with("if the rewrite is not wanted"))
        << nat[0].dump();
    // With kprobes the tracepoints beside them are not traced: the rules that read one are
    // said to be idle, those at kernel functions are not.
    auto idle = idle_rules(stderr_);
    EXPECT_TRUE(idle.count("reset-sent") && idle.count("ttl-expired")) << stderr_;
    EXPECT_FALSE(idle.count("nat") || idle.count("ttl-expired-kprobe")) << stderr_;
}

TEST_F(DiagGuest, TtlExpiredOnForwardIsAnErrorNamingTheDestination) {
    NetnsPair ns("dttl");
    // b forwards to 198.51.100.0/24 through a veth pair of its own; a pings through b, TTL 1.
    std::string inner = "ftnt" + std::to_string(::getpid() % 100000);
    ASSERT_EQ(ns.run(ns.b(), "ip link add " + inner + "f0 type veth peer name " + inner +
                                 "f1 && ip addr add 198.51.100.1/24 dev " + inner +
                                 "f0 && ip link set " + inner + "f0 up && ip link set " + inner +
                                 "f1 up && sysctl -qw net.ipv4.ip_forward=1"),
              0);
    ASSERT_EQ(ns.run(ns.a(), "ip route add 198.51.100.0/24 via 192.0.2.2"), 0);
    auto objects = run({"--diag-keep", "-p", "icmp", "--addr", "198.51.100.7"},
                       [&] { ns.run(ns.a(), "ping -q -c 1 -W 2 -t 1 198.51.100.7 >/dev/null"); });
    auto ttl = findings(objects, "ttl-expired-kprobe", [](const nlohmann::json& p) {
        return has_func(p, "__icmp_send") && has_func(p, "ip_forward");
    });
    ASSERT_EQ(ttl.size(), 1u) << dump(objects) << stderr_;
    EXPECT_EQ(ttl[0].value("level", ""), "error");
    EXPECT_EQ(ttl[0].value("where", ""), "skb:kfree_skb");
    EXPECT_TRUE(ttl[0]
                    .value("message", "")
                    .starts_with("the packet's TTL ran out on its way to 198.51.100.7: this host "
                                 "would have forwarded it"))
        << ttl[0].dump();
    EXPECT_TRUE(
        ttl[0]
            .value("advice", "")
            .starts_with(
                "the sender's TTL is smaller than the number of hops (`traceroute 198.51.100.7`)"))
        << ttl[0].dump();
}

// An iptables DROP in INPUT: the table point said DROP in the pass that dropped. The hook is
// ipt_do_table itself since 5.16. On 5.10 ipt_do_table cannot be traced (ip_tables has no
// BTF of its own before 5.11, so its arguments are unknown): the run says so, and the pass's
// one hook, iptable_filter_hook, is named from --hooks instead.
TEST_F(DiagGuest, HooksBlameTheTableThatReturnedDrop) {
    NetnsPair ns("dblame");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7130 -j DROP"), 0);
    auto objects = run({"--diag-keep", "--hooks", "-p", "udp", "-P", "7130"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7130, 1); });
    bool table_traced = stderr_.find("skipped ipt_do_table:") == std::string::npos;
    auto drops = findings(objects, "firewall-drop", [&](const nlohmann::json& p) {
        return has_func(p, "nf_hook_slow") && has_func(p, "ipt_do_table") == table_traced;
    });
    ASSERT_EQ(drops.size(), 1u) << dump(objects) << stderr_;
    auto blame = drops[0].value("blame", "");
    if (table_traced)
        EXPECT_TRUE(blame == "ipt_do_table (2.filter.INPUT.DROP)" ||
                    blame == "iptable_filter_hook (ipt_do_table: 2.filter.INPUT.DROP)")
            << drops[0].dump();
    else
        EXPECT_EQ(blame,
                  "iptable_filter_hook (the one hook of this pass whose verdict is not traced)")
            << drops[0].dump() << stderr_;
}

// The same DROP with ipt_do_table not traced (-t): its verdict is not seen, and the pass's
// one hook (the namespace has the filter table only, no conntrack) is named as the dropper.
TEST_F(DiagGuest, HooksNameTheOneUntracedHookOfTheDroppingPass) {
    NetnsPair ns("dblame2");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7131 -j DROP"), 0);
    auto objects =
        run({"--diag-keep", "--hooks", "-t", "nf_hook_slow,life", "-p", "udp", "-P", "7131"},
            [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7131, 1); });
    auto drops = findings(objects, "firewall-drop", [](const nlohmann::json& p) {
        return has_func(p, "nf_hook_slow") && !has_func(p, "ipt_do_table");
    });
    ASSERT_EQ(drops.size(), 1u) << dump(objects) << stderr_;
    auto blame = drops[0].value("blame", "");
    EXPECT_TRUE(blame == "ipt_do_table (the one hook of this pass whose verdict is not traced)" ||
                blame ==
                    "iptable_filter_hook (the one hook of this pass whose verdict is not traced)")
        << drops[0].dump();
}

// A veth whose peer is down has no carrier: the kernel gives it the noop qdisc, which drops
// every packet (QDISC_DROP at __dev_queue_xmit on 6.1+, like a full queue). The neighbour is
// static, else the datagram would wait for ARP and die NEIGH_FAILED instead.
TEST_F(DiagGuest, APeerDownIsTheDownInterfaceNotAFullQueue) {
    NetnsPair ns("ddown");
    std::string veth = "ftnt" + std::to_string(::getpid() % 100000);
    auto mac = shell_output("ip -n " + ns.b() + " link show " + veth + "b");
    auto at = mac.find("link/ether ");
    ASSERT_NE(at, std::string::npos) << mac;
    mac = mac.substr(at + 11, 17);
    ASSERT_EQ(ns.run(ns.a(), "ip neigh replace " + std::string(NetnsPair::kAddrB) + " lladdr " +
                                 mac + " dev " + veth + "a"),
              0);
    ASSERT_EQ(ns.run(ns.b(), "ip link set " + veth + "b down"), 0);
    // veth's own qdisc is noqueue; without carrier linkwatch swaps in noop_qdisc (what `tc`
    // does not show), right after it sets the operational state.
    ASSERT_EQ(ns.run(ns.a(), "for i in $(seq 50); do ip link show " + veth +
                                 "a | grep -Eq \"state (DOWN|LOWERLAYERDOWN)\" && exit 0; sleep "
                                 "0.1; done; exit 1"),
              0);
    ::usleep(300'000);
    auto objects = run({"--diag-keep", "-p", "udp", "-P", "7140"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7140, 1); });
    auto ours = [](const nlohmann::json& p) { return has_func(p, "noop_enqueue"); };
    auto down = findings(objects, "interface-down", ours);
    ASSERT_EQ(down.size(), 1u) << dump(objects) << stderr_;
    EXPECT_EQ(down[0].value("level", ""), "error");
    EXPECT_EQ(down[0].value("where", ""), "skb:kfree_skb");
    EXPECT_TRUE(down[0]
                    .value("message", "")
                    .starts_with("the interface " + veth + "a is down or has no carrier"))
        << down[0].dump();
    EXPECT_TRUE(down[0]
                    .value("advice", "")
                    .starts_with("bring the link up: `ip link show " + veth + "a` says NO-CARRIER"))
        << down[0].dump();
    EXPECT_TRUE(findings(objects, "qdisc-drop", ours).empty()) << dump(objects);
}

// A tc filter at a namespace's ingress that drops one UDP port (gact's drop: TC_ACT_SHOT).
// Kernels with the TC_INGRESS reason (6.1, 6.12 here) name it by reason; 5.10 has no reasons,
// and its rule reads the return of tcf_classify_ingress.
TEST_F(DiagGuest, ATcIngressDropNamesTheFilter) {
    NetnsPair ns("dtc");
    std::string veth = "ftnt" + std::to_string(::getpid() % 100000) + "b";
    ASSERT_EQ(ns.run(ns.b(), "tc qdisc add dev " + veth + " clsact && tc filter add dev " + veth +
                                 " ingress protocol ip u32 match ip dport 7150 0xffff action drop"),
              0);
    auto objects = run({"--diag-keep", "-p", "udp", "-P", "7150"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7150, 1); });
    // The kernel's own count of what the filter dropped.
    auto stats =
        shell_output("ip netns exec " + ns.b() + " tc -s filter show dev " + veth + " ingress");
    EXPECT_NE(stats.find("dropped 1,"), std::string::npos) << stats;
    bool by_reason =
        shell_output("cat " + tracefs_file("events/skb/kfree_skb/format")).find("\"TC_INGRESS\"") !=
        std::string::npos;
    auto ours = [](const nlohmann::json& p) { return has_field(p, "dport", 7150); };
    auto found = findings(objects, by_reason ? "kernel-drop" : "tc-ingress-drop", ours);
    ASSERT_EQ(found.size(), 1u) << dump(objects) << stderr_;
    EXPECT_EQ(found[0].value("level", ""), "error");
    EXPECT_EQ(found[0].value("where", ""), "skb:kfree_skb");
    if (by_reason) {
        EXPECT_EQ(found[0].value("reason", ""), "TC_INGRESS") << found[0].dump();
        EXPECT_TRUE(
            found[0].value("advice", "").starts_with("check `tc filter show dev DEV ingress`"))
            << found[0].dump();
        EXPECT_TRUE(findings(objects, "tc-ingress-drop", ours).empty()) << dump(objects);
    } else {
        EXPECT_TRUE(found[0]
                        .value("message", "")
                        .starts_with("a tc filter on the ingress of " + veth +
                                     " dropped the packet: its action returned TC_ACT_SHOT"))
            << found[0].dump();
        EXPECT_TRUE(found[0]
                        .value("advice", "")
                        .starts_with("`tc -s filter show dev " + veth + " ingress`"))
            << found[0].dump();
        EXPECT_TRUE(findings(objects, "kernel-drop", ours).empty()) << dump(objects);
    }
}

}  // namespace
}  // namespace ftnt::test
