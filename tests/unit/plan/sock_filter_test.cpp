// The kernel filter of each --sock point, from the fields its records have (names of the 6.18
// format files of sock:inet_sock_set_state and tcp:tcp_probe, and of kprobe-defs/sock.def).
#include "plan/sock_filter.h"

#include <gtest/gtest.h>

#include <set>

namespace ftnt {
namespace {

PathProbe tracepoint(const std::string& name) {
    PathProbe p;
    p.name = name;
    p.tracepoint = true;
    return p;
}

PathProbe kprobe(const std::string& name, const std::string& fetchargs) {
    PathProbe p;
    p.name = name;
    p.kprobe.fetchargs = fetchargs;
    return p;
}

std::function<bool(const std::string&)> fields(std::set<std::string> names) {
    return [names](const std::string& name) { return names.count(name) != 0; };
}

const auto kSetState = fields({"skaddr", "oldstate", "newstate", "sport", "dport", "family",
                               "protocol", "saddr", "daddr", "saddr_v6", "daddr_v6"});
const auto kProbe = fields({"saddr", "daddr", "sport", "dport", "family", "mark", "data_len",
                            "snd_nxt", "snd_una", "snd_cwnd", "ssthresh", "snd_wnd", "srtt",
                            "rcv_wnd", "sock_cookie", "skbaddr", "skaddr"});
const auto kRcvQueueFull = fields({"rmem_alloc", "truesize", "sk_rcvbuf"});

TEST(SockFilter, PortsStateAndSrttGoToTheTracepointsThatCarryThem) {
    SockFilter f;
    f.packet.port = 8080;
    f.state = 4;  // TCP_FIN_WAIT1
    f.srtt_us = 20000;
    EXPECT_EQ(sock_kernel_filter(tracepoint("sock:inet_sock_set_state"), f, kSetState),
              "(sport == 8080 || dport == 8080) && (oldstate == 4 || newstate == 4)");
    EXPECT_EQ(sock_kernel_filter(tracepoint("tcp:tcp_probe"), f, kProbe),
              "(sport == 8080 || dport == 8080) && (srtt >= 20000)");
    EXPECT_EQ(sock_kernel_filter(tracepoint("sock:sock_rcvqueue_full"), f, kRcvQueueFull), "");
}

TEST(SockFilter, SourceAndDestinationPortNameTheConnectionEitherWayRound) {
    SockFilter f;
    f.packet.sport = 1;
    f.packet.dport = 2;
    EXPECT_EQ(sock_kernel_filter(tracepoint("sock:inet_sock_set_state"), f, kSetState),
              "(sport == 1 && dport == 2) || (sport == 2 && dport == 1)");
}

TEST(SockFilter, KprobesFilterStateSrttAndRttButNotPorts) {
    SockFilter f;
    f.packet.port = 80;
    f.state = 1;
    f.srtt_us = 1000;
    f.rtt_us = 500;
    auto set_state = kprobe("tcp_set_state",
                            "sk=$arg1:x64 sp=+14($arg1):u16 newstate=$arg2:s32 "
                            "skstate=+18($arg1):u8 srtt8=+1800($arg1):u32");
    EXPECT_EQ(sock_kernel_filter(set_state, f,
                                 [&](const std::string& n) {
                                     return set_state.kprobe.fetchargs.find(n + "=") !=
                                            std::string::npos;
                                 }),
              "(skstate == 1 || newstate == 1) && (srtt8 >= 8000)");
    auto rtt = kprobe("tcp_ack_update_rtt", "rtt=$arg3:s64 srtt8=+1800($arg1):u32");
    EXPECT_EQ(sock_kernel_filter(rtt, f, fields({"rtt", "srtt8"})),
              "(srtt8 >= 8000) && (rtt >= 500)");
}

TEST(SockFilter, OnlyTheStateChangingPointsReportChanges) {
    EXPECT_TRUE(sock_point_changes_state(tracepoint("sock:inet_sock_set_state")));
    EXPECT_TRUE(sock_point_changes_state(kprobe("tcp_set_state", "")));
    EXPECT_FALSE(sock_point_changes_state(tracepoint("tcp:tcp_retransmit_skb")));
}

}  // namespace
}  // namespace ftnt
