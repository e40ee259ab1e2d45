// A socket event's record from its decoded fields: the names and values are those the 6.18
// tracepoints (sock:inet_sock_set_state, tcp:tcp_probe) and the sock.def kprobes give.
#include "run/sock_pipeline.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

TEST(SockView, AStateChangeTracepointNamesBothStatesAndItsProtocol) {
    PathEvent e;
    e.func = "sock:inet_sock_set_state";
    PacketDetails d;
    d.tuple.family = 4;
    d.tuple.has_ports = true;
    e.packet = d;
    e.extra = {{"oldstate", "2"}, {"newstate", "1"}, {"protocol", "6"}};
    auto v = sock_view_of(e);
    EXPECT_EQ(v.old_state, "TCP_SYN_SENT");
    EXPECT_EQ(v.state, "TCP_ESTABLISHED");
    ASSERT_TRUE(v.tuple);
    EXPECT_EQ(v.tuple->l4, "TCP");
    e.extra[2].second = "132";
    EXPECT_EQ(sock_view_of(e).tuple->l4, "SCTP");
}

TEST(SockView, TcpSetStateIsEnteredInTheOldState) {
    PathEvent e;
    e.func = "tcp_set_state";
    e.extra = {
        {"newstate", "4"}, {"skstate", "1"}, {"srtt8", "8000"}, {"cwnd", "10"}, {"retrans", "0"}};
    auto v = sock_view_of(e);
    EXPECT_EQ(v.old_state, "TCP_ESTABLISHED");
    EXPECT_EQ(v.state, "TCP_FIN_WAIT1");
    EXPECT_EQ(v.srtt_us, 1000u);  // srtt_us holds 8 times the smoothed RTT
    EXPECT_EQ(v.snd_cwnd, 10u);
    EXPECT_EQ(v.retransmits, 0u);
}

TEST(SockView, AnRttSampleOfMinusOneIsNoSample) {
    PathEvent e;
    e.func = "tcp_ack_update_rtt";
    e.extra = {{"rtt", "-1"}, {"skstate", "1"}};
    auto v = sock_view_of(e);
    EXPECT_FALSE(v.rtt_us);
    EXPECT_EQ(v.state, "TCP_ESTABLISHED");
    EXPECT_TRUE(v.old_state.empty());
    e.extra[0].second = "2500";
    EXPECT_EQ(sock_view_of(e).rtt_us, 2500);
}

TEST(SockView, OtherFieldsAreShownByTheirNames) {
    PathEvent e;
    e.func = "tcp:tcp_retransmit_skb";
    e.state = "TCP_ESTABLISHED";
    e.extra = {{"err", "-11"}, {"srtt", "1500"}, {"snd_cwnd", "7"}};
    auto v = sock_view_of(e);
    EXPECT_EQ(v.state, "TCP_ESTABLISHED");
    ASSERT_EQ(v.values.size(), 1u);
    EXPECT_EQ(v.values[0].first, "err");
    EXPECT_EQ(v.values[0].second, -11);
    EXPECT_EQ(v.srtt_us, 1500u);
    EXPECT_EQ(v.snd_cwnd, 7u);
}

}  // namespace
}  // namespace ftnt
