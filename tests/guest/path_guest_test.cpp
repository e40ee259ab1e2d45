// Path tracing with kprobes, run inside the Debian-kernel guest (ctest label guest runs this
// binary through scripts/guest). Every test makes its own namespaces and traffic.
#include <gtest/gtest.h>
#include <signal.h>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

TEST_F(PathGuest, PingShowsTheReceivePathAndTheReplysSendPath) {
    NetnsPair ns("ping");
    auto objects = run({"--addr", NetnsPair::kAddrA, "-p", "icmp"}, [&] {
        ASSERT_EQ(ns.run(ns.a(), "ping -c 1 -W 5 192.0.2.2 >/dev/null"), 0);
    });
    bool request = false, reply = false;
    for (const auto& p : packets(objects)) {
        if (has_field(p, "icmp_type", 8) && has_func(p, "ip_rcv") && has_func(p, "icmp_rcv") &&
            has_func(p, "skb:consume_skb"))
            request = true;
        if (has_field(p, "icmp_type", 0) && has_func(p, "ip_output") &&
            has_func(p, "__dev_queue_xmit") && has_func(p, "icmp_rcv"))
            reply = true;
    }
    EXPECT_TRUE(request) << dump(objects) << stderr_;
    EXPECT_TRUE(reply) << dump(objects);
}

TEST_F(PathGuest, SynToClosedPortShowsTheResetAndTheDrop) {
    NetnsPair ns("rst");
    auto objects = run({"-D", "7101"}, [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7101); });
    bool found = false;
    for (const auto& p : packets(objects))
        found = found || (has_func(p, "tcp_v4_rcv") && has_func(p, "tcp_v4_send_reset") &&
                          find_event(p, [](const auto& e) {
                              return e.value("func", "") == "skb:kfree_skb" &&
                                     e.value("reason", "") == "NO_SOCKET";
                          }));
    EXPECT_TRUE(found) << dump(objects) << stderr_;
}

TEST_F(PathGuest, IptablesDropShowsTheHookAndTheDrop) {
    NetnsPair ns("ipt");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7102 -j DROP"), 0);
    auto objects = run({"-D", "7102"}, [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7102, 1); });
    bool found = false;
    for (const auto& p : packets(objects))
        found = found || (has_func(p, "nf_hook_slow") && has_field(p, "reason", "NETFILTER_DROP"));
    EXPECT_TRUE(found) << dump(objects) << stderr_;
}

TEST_F(PathGuest, IptablesVerdictIsNamedPfTableHookVerdict) {
    if (!module_has_btf("ip_tables"))
        GTEST_SKIP() << "ipt_do_table's prototype is unknown: module ip_tables has no BTF here "
                        "(/sys/kernel/btf/ip_tables absent; module BTF came in 5.11)";
    NetnsPair ns("verdict");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7108 -j DROP"), 0);
    auto objects = run({"-D", "7108", "-t", "netfilter,life"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7108, 1); });
    bool found = false;
    for (const auto& p : packets(objects))
        found = found || has_field(p, "verdict", "2.filter.INPUT.DROP");
    EXPECT_TRUE(found) << dump(objects) << stderr_;
}

TEST_F(PathGuest, NftVerdictNamesTableAndChain) {
    if (!module_has_btf("nf_tables"))
        GTEST_SKIP() << "nft_do_chain's prototype and nft_chain are unknown: module nf_tables has "
                        "no BTF here (/sys/kernel/btf/nf_tables absent; module BTF came in 5.11)";
    NetnsPair ns("nftv");
    ASSERT_EQ(ns.run(ns.b(),
                     "nft add table inet t && nft add chain inet t input "
                     "\"{ type filter hook input priority 0; }\" && "
                     "nft add rule inet t input udp dport 7109 drop"),
              0);
    auto objects = run({"-D", "7109", "-t", "netfilter,life"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7109, 1); });
    // nf_tables frees a dropped packet itself (reason NETFILTER_DROP, since 6.0) and returns
    // NF_STOLEN; before, it returned NF_DROP and nf_hook_slow freed it. The verdict shown is
    // the one the kernel returned, the drop is where the kernel freed the packet.
    bool found = false;
    for (const auto& p : packets(objects))
        found = found || (has_prefix(p, "verdict", "table t chain input ") &&
                          find_event(p, [](const auto& e) {
                              auto location = e.value("location", "");
                              return e.value("reason", "") == "NETFILTER_DROP" &&
                                     (location.starts_with("nft_do_chain+") ||
                                      location.starts_with("nf_hook_slow+"));
                          }));
    EXPECT_TRUE(found) << dump(objects) << stderr_;
}

TEST_F(PathGuest, SnatedPacketStaysOneLifecycle) {
    NetnsPair ns("snat");
    std::string veth = "ftnt" + std::to_string(::getpid() % 100000) + "a";
    ASSERT_EQ(ns.run(ns.a(), "ip addr add 192.0.2.11/24 dev " + veth +
                                 " && iptables-legacy -t nat -A POSTROUTING -p udp --dport 7103 "
                                 "-j SNAT --to-source 192.0.2.11"),
              0);
    auto objects = run({"-s", NetnsPair::kAddrA, "-p", "udp"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7103, 2); });
    // Before the rewrite the packet matches -s; after it, the kernel filter still lets its
    // events through by the conntrack entry's original tuple, until the packet leaves the
    // namespace (veth scrubs the conntrack); its end is joined by skb address.
    bool across = false;
    for (const auto& p : packets(objects))
        across =
            across || (has_field(p, "saddr", "192.0.2.1") && has_field(p, "saddr", "192.0.2.11") &&
                       has_func(p, "nf_nat_manip_pkt") && has_func(p, "veth_xmit") &&
                       has_func(p, "skb:kfree_skb"));
    EXPECT_TRUE(across) << dump(objects) << stderr_;
}

TEST_F(PathGuest, TrafficOutsideTheFilterIsAbsent) {
    NetnsPair ns("filt");
    auto objects = run({"-D", "7104"}, [&] {
        udp_send(ns.a(), NetnsPair::kAddrB, 7105, 1);
        udp_send(ns.a(), NetnsPair::kAddrB, 7104, 1);
    });
    bool ours = false;
    for (const auto& p : packets(objects)) {
        EXPECT_FALSE(has_field(p, "dport", 7105)) << p.dump();
        ours = ours || has_field(p, "dport", 7104);
    }
    for (const auto& e : of_type(objects, "event")) EXPECT_NE(e.value("dport", 0), 7105) << e;
    EXPECT_TRUE(ours) << dump(objects) << stderr_;
}

TEST_F(PathGuest, Ipv6PingIsFollowed) {
    NetnsPair ns("v6");
    auto objects = run({"--addr", NetnsPair::kAddr6A, "-p", "icmp"}, [&] {
        ASSERT_EQ(ns.run(ns.a(), "ping -6 -c 1 -W 5 2001:db8::2 >/dev/null"), 0);
    });
    bool found = false;
    for (const auto& p : packets(objects))
        found = found || (has_func(p, "ipv6_rcv") && has_func(p, "icmpv6_rcv") &&
                          has_field(p, "saddr", "2001:db8::1"));
    EXPECT_TRUE(found) << dump(objects) << stderr_;
}

TEST_F(PathGuest, BasicPrintsEventsWithReturnValuesAndStacks) {
    NetnsPair ns("basic");
    auto objects = run({"--basic", "-D", "7106", "--ret", "--trace-stack", "ip_rcv", "-t",
                        "ip-in,netfilter,udp,life"},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7106, 1); });
    EXPECT_TRUE(packets(objects).empty()) << "--basic prints no lifecycles";
    bool ip_rcv_stack = false, hook_returned = false;
    for (const auto& e : of_type(objects, "event")) {
        if (e.value("func", "") == "ip_rcv" && e.contains("stack"))
            ip_rcv_stack = ip_rcv_stack || any_contains(e["stack"], "__netif_receive_skb");
        if (e.value("func", "") == "nf_hook_slow returned") hook_returned = true;
    }
    EXPECT_TRUE(ip_rcv_stack) << dump(objects) << stderr_;
    EXPECT_TRUE(hook_returned) << dump(objects);
}

TEST_F(PathGuest, AdhocKprobeFetchesTheUsualFieldsAndExtraOnes) {
    NetnsPair ns("adhoc");
    auto objects =
        run({"-t", "life", "-D", "7107", "--kprobe", "ip_local_deliver_finish first=+0(%dx):u32",
             "--kretprobe", "ip_local_deliver"},
            [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7107, 1); });
    bool adhoc = false, returned = false;
    for (const auto& p : packets(objects)) {
        adhoc = adhoc || find_event(p, [](const auto& e) {
                    return e.value("func", "") == "ip_local_deliver_finish" && e.contains("first");
                });
        returned =
            returned || find_event(p, [](const auto& e) {
                return e.value("func", "").starts_with("ip_local_deliver") && e.contains("ret");
            });
    }
    EXPECT_TRUE(adhoc) << dump(objects) << stderr_;
    EXPECT_TRUE(returned) << dump(objects);
}

TEST_F(PathGuest, AdhocKprobeThatCannotBeProbedSaysWhy) {
    std::string err;
    EXPECT_EQ(run_tool({"--kprobe", "no_such_function_here"}, nullptr, &err), 2);
    EXPECT_NE(err.find("no such function in this kernel"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--kprobe", "dev_get_by_name"}, nullptr, &err), 2);
    EXPECT_NE(err.find("no struct sk_buff argument"), std::string::npos) << err;
}

TEST_F(PathGuest, CheckListsKprobesAndOffsets) {
    std::string out;
    ASSERT_EQ(run_tool({"--check", "-o", "json"}, &out, nullptr), 0);
    bool kprobes = false, ip_rcv = false, offsets = false;
    for (const auto& o : parse_json_lines(out)) {
        auto type = o.value("type", ""), name = o.value("name", "");
        kprobes = kprobes || (type == "feature" && name == "kprobes" && o.value("ok", false));
        ip_rcv = ip_rcv || (type == "probe" && name == "ip_rcv" &&
                            o.value("kind", "") == "kprobe" && o.value("ok", false));
        offsets = offsets || (type == "feature" &&
                              o.value("detail", "").find("sk_buff.data at ") != std::string::npos);
    }
    EXPECT_TRUE(kprobes) << out;
    EXPECT_TRUE(ip_rcv) << out;
    EXPECT_TRUE(offsets) << out;
}

// With linux-image-amd64-dbg installed (optional: 858 MB) drops and faddr2line show source
// lines of the running guest kernel, found by build ID without --vmlinux.
class SourceLinesGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        if (IsSkipped()) return;
        release_ = shell_output("uname -r");
        release_.erase(release_.find_last_not_of("\n") + 1);
        if (::access(("/usr/lib/debug/boot/vmlinux-" + release_).c_str(), R_OK) != 0)
            GTEST_SKIP() << "no /usr/lib/debug/boot/vmlinux-" << release_
                         << " (install linux-image-" << release_ << "-dbg to run this)";
    }
    std::string release_;
};

TEST_F(SourceLinesGuest, DropOfAClosedPortNamesTcpIpv4C) {
    NetnsPair ns("src");
    // (No -D: before 6.10 no tracepoint tells a reset-less drop's ports, see --drop.)
    ToolRun tool({"--drop", "-o", "json", "--reason", "NO_SOCKET", "--drop-stack"});
    ASSERT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7120);
    usleep(1'500'000);
    ASSERT_EQ(tool.stop(SIGINT), 0);
    EXPECT_NE(tool.stderr_text().find("source lines: from /usr/lib/debug/boot/vmlinux-"),
              std::string::npos)
        << tool.stderr_text();
    auto out = tool.stdout_text();
    bool source = false, stack_lines = false;
    for (const auto& drop : parse_json_lines(out)) {
        if (drop.value("type", "") != "drop") continue;
        source = source || any_contains(drop.value("source", nlohmann::json::array()),
                                        "tcp_v4_rcv at net/ipv4/tcp_ipv4.c:");
        stack_lines =
            stack_lines || any_contains(drop.value("stack", nlohmann::json::array()), "(net/ipv4/");
    }
    EXPECT_TRUE(source) << out;
    EXPECT_TRUE(stack_lines) << "stack frames carry lines: " << out;
}

TEST_F(SourceLinesGuest, Faddr2lineTakesRuntimeAddressesAndFunctionOffsets) {
    auto line = shell_output("grep ' tcp_v4_rcv$' /proc/kallsyms");
    auto runtime = "0x" + line.substr(0, line.find(' '));
    std::string out, err;
    ASSERT_EQ(run_tool({"faddr2line", runtime}, &out, &err), 0) << err;
    EXPECT_NE(out.find("tcp_v4_rcv+0x0/0x"), std::string::npos) << out;
    EXPECT_NE(out.find("net/ipv4/tcp_ipv4.c:"), std::string::npos) << out;
    ASSERT_EQ(run_tool({"faddr2line", "tcp_v4_rcv+0x10"}, &out, &err), 0) << err;
    EXPECT_NE(out.find("at net/ipv4/tcp_ipv4.c:"), std::string::npos) << out;
}

}  // namespace
}  // namespace ftnt::test
