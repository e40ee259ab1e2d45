// `ftnettrace --drop` on a kernel with kprobes (the Debian guest): the tuple and MAC addresses
// come from the packet's own headers, read where it is dropped, for every drop.
#include <gtest/gtest.h>
#include <signal.h>

#include <functional>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

std::string veth_a() {
    return "ftnt" + std::to_string(::getpid() % 100000) + "a";
}
std::string veth_b() {
    return "ftnt" + std::to_string(::getpid() % 100000) + "b";
}

// The MAC address of a device in a namespace, from the kernel (not from ftnettrace).
std::string mac_of(const std::string& ns, const std::string& dev) {
    auto text = shell_output("ip netns exec " + ns + " cat /sys/class/net/" + dev + "/address");
    return text.substr(0, text.find('\n'));
}

class DropTupleGuest : public PathGuest {
  protected:
    // `ftnettrace --drop -o json ARGS` around the traffic; the drop objects it printed.
    std::vector<nlohmann::json> drops(std::vector<std::string> args,
                                      const std::function<void()>& traffic) {
        args.insert(args.begin(), "--drop");
        std::vector<nlohmann::json> out;
        for (const auto& object : run(args, traffic))
            if (object.value("type", "") == "drop") out.push_back(object);
        return out;
    }
    static std::vector<nlohmann::json> to_port(const std::vector<nlohmann::json>& all, int port) {
        std::vector<nlohmann::json> out;
        for (const auto& d : all)
            if (d.value("dport", -1) == port) out.push_back(d);
        return out;
    }
    // The MACs of a packet from namespace a to namespace b over the veth pair.
    static void expect_macs_a_to_b(const nlohmann::json& drop, const NetnsPair& ns) {
        EXPECT_EQ(drop.value("smac", ""), mac_of(ns.a(), veth_a())) << drop.dump();
        EXPECT_EQ(drop.value("dmac", ""), mac_of(ns.b(), veth_b())) << drop.dump();
    }
};

TEST_F(DropTupleGuest, ClosedTcpPortV4HasTheTupleAndMacs) {
    NetnsPair ns("dtcp4");
    auto all =
        drops({"-p", "tcp", "-D", "7201"}, [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7201); });
    auto ours = to_port(all, 7201);
    ASSERT_FALSE(ours.empty()) << ::testing::PrintToString(all) << stderr_;
    const auto& d = ours[0];
    EXPECT_EQ(d.value("reason", ""), "NO_SOCKET") << d.dump();
    EXPECT_EQ(d.value("l4", ""), "TCP") << d.dump();
    EXPECT_EQ(d.value("saddr", ""), NetnsPair::kAddrA) << d.dump();
    EXPECT_EQ(d.value("daddr", ""), NetnsPair::kAddrB) << d.dump();
    EXPECT_GT(d.value("sport", 0), 0) << d.dump();
    expect_macs_a_to_b(d, ns);
    EXPECT_NE(stderr_.find("tuples: read where the packet is dropped, by a kprobe on"),
              std::string::npos)
        << stderr_;
}

TEST_F(DropTupleGuest, ClosedTcpPortV6HasTheTuple) {
    NetnsPair ns("dtcp6");
    auto all =
        drops({"-p", "tcp", "-D", "7202"}, [&] { tcp_connect(ns.a(), NetnsPair::kAddr6B, 7202); });
    auto ours = to_port(all, 7202);
    ASSERT_FALSE(ours.empty()) << ::testing::PrintToString(all) << stderr_;
    const auto& d = ours[0];
    EXPECT_EQ(d.value("proto", ""), "IPv6") << d.dump();
    EXPECT_EQ(d.value("l4", ""), "TCP") << d.dump();
    EXPECT_EQ(d.value("saddr", ""), NetnsPair::kAddr6A) << d.dump();
    EXPECT_EQ(d.value("daddr", ""), NetnsPair::kAddr6B) << d.dump();
    expect_macs_a_to_b(d, ns);
}

TEST_F(DropTupleGuest, ClosedUdpPortHasTheTuple) {
    NetnsPair ns("dudp");
    auto all = drops({"-D", "7203"}, [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7203, 1, 7299); });
    auto ours = to_port(all, 7203);
    ASSERT_EQ(ours.size(), 1u) << ::testing::PrintToString(all) << stderr_;
    const auto& d = ours[0];
    EXPECT_EQ(d.value("reason", ""), "NO_SOCKET") << d.dump();
    EXPECT_EQ(d.value("l4", ""), "UDP") << d.dump();
    EXPECT_EQ(d.value("sport", 0), 7299) << d.dump();
    EXPECT_EQ(d.value("saddr", ""), NetnsPair::kAddrA) << d.dump();
    EXPECT_EQ(d.value("daddr", ""), NetnsPair::kAddrB) << d.dump();
    expect_macs_a_to_b(d, ns);
}

TEST_F(DropTupleGuest, IptablesDropOfAPingHasTheIcmpAddresses) {
    NetnsPair ns("dping");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p icmp -j DROP"), 0);
    // Before 5.17 there is no reason to filter on: the location says it (nf_hook_slow).
    std::vector<std::string> args = {"-p", "icmp"};
    if (kfree_skb_has_reason()) args.insert(args.end(), {"--reason", "NETFILTER_DROP"});
    auto all = drops(args, [&] { ping(ns.a(), NetnsPair::kAddrB, 1); });
    std::vector<nlohmann::json> ours;
    for (const auto& d : all)
        if (d.value("saddr", "") == NetnsPair::kAddrA) ours.push_back(d);
    ASSERT_FALSE(ours.empty()) << ::testing::PrintToString(all) << stderr_;
    const auto& d = ours[0];
    EXPECT_EQ(d.value("l4", ""), "ICMP") << d.dump();
    EXPECT_EQ(d.value("daddr", ""), NetnsPair::kAddrB) << d.dump();
    EXPECT_EQ(d.value("location", "").rfind("nf_hook_slow+0x", 0), 0u) << d.dump();
    expect_macs_a_to_b(d, ns);
}

TEST_F(DropTupleGuest, ProtoTcpKeepsTheTcpDropAndHidesTheUdpOne) {
    NetnsPair ns("dproto");
    auto all = drops({"-p", "tcp"}, [&] {
        udp_send(ns.a(), NetnsPair::kAddrB, 7205, 1);
        tcp_connect(ns.a(), NetnsPair::kAddrB, 7204);
    });
    EXPECT_FALSE(to_port(all, 7204).empty()) << ::testing::PrintToString(all) << stderr_;
    for (const auto& d : all) {
        EXPECT_EQ(d.value("l4", ""), "TCP") << d.dump();
        EXPECT_NE(d.value("dport", -1), 7205) << d.dump();
    }
}

}  // namespace
}  // namespace ftnt::test
