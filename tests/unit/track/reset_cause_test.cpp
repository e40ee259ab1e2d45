// The cause of a reset from its reason and its stack. The frames are the functions of stacks
// the live tests recorded on this machine's 6.18 kernel (tests/live/reset_live_test.cpp, run
// on 2026-11-28), innermost first, cut after the syscall or softirq entry.
#include "track/reset_cause.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

const std::vector<std::string> kClosedPortStack = {
    "tcp_v4_send_reset", "tcp_v4_rcv", "ip_protocol_deliver_rcu", "ip_local_deliver_finish",
    "__netif_receive_skb_one_core"};
const std::vector<std::string> kCloseUnreadStack = {
    "tcp_send_active_reset", "__tcp_close",  "tcp_close", "inet_release", "sock_close", "__fput",
    "__x64_sys_close",       "do_syscall_64"};
const std::vector<std::string> kLingerZeroStack = {
    "tcp_send_active_reset", "tcp_disconnect", "__tcp_close", "tcp_close",
    "inet_release",          "sock_close",     "__fput",      "__x64_sys_close"};

// Recorded on 6.18 on 2026-12-07 (--reset, a listener with backlog 1 and TCP_DEFER_ACCEPT,
// tcp_abort_on_overflow=1, the third connection's data): state TCP_LISTEN, reason INVALID_SYN.
const std::vector<std::string> kListenOverflowStack = {"tcp_v4_send_reset", "tcp_check_req",
                                                       "tcp_v4_rcv", "ip_protocol_deliver_rcu",
                                                       "ip_local_deliver_finish"};

TEST(ResetCause, AListenersResetFromTheHandshakeIsAListenerOverflow) {
    ResetFacts f;
    f.answers_segment = true;
    f.has_socket = true;
    f.state = "TCP_LISTEN";
    f.reason = "INVALID_SYN";
    f.frames = kListenOverflowStack;
    EXPECT_EQ(reset_cause(f).rfind("listener overflow", 0), 0u) << reset_cause(f);
    f.reason.reset();  // before 6.10: the state and the stack
    EXPECT_EQ(reset_cause(f).rfind("listener overflow", 0), 0u) << reset_cause(f);
    f.state = "TCP_ESTABLISHED";  // not the listener's own reset: no overflow
    f.reason = "INVALID_SYN";
    EXPECT_EQ(reset_cause(f).rfind("an unexpected SYN", 0), 0u) << reset_cause(f);
}

// Recorded on 6.18 on 2026-12-07: the same listener's exit, with two connections queued.
const std::vector<std::string> kListenerCloseStack = {
    "tcp_send_active_reset", "tcp_disconnect", "inet_child_forget", "inet_csk_listen_stop",
    "__tcp_close",           "tcp_close",      "inet_release",      "sock_close"};

TEST(ResetCause, AClosedListenersQueuedConnectionsAreNotALinger) {
    ResetFacts f;
    f.has_socket = true;
    f.state = "TCP_CLOSE";
    f.reason = "TCP_STATE";
    f.frames = kListenerCloseStack;
    EXPECT_EQ(reset_cause(f).rfind("listener closed", 0), 0u) << reset_cause(f);
}

TEST(ResetCause, TheKernelsReasonNamesTheCause) {
    ResetFacts f;
    f.answers_segment = true;
    f.reason = "NO_SOCKET";
    f.frames = kClosedPortStack;
    EXPECT_EQ(reset_cause(f).rfind("closed port", 0), 0u);
    f.reason = "TCP_INVALID_ACK_SEQUENCE";
    EXPECT_EQ(reset_cause(f).rfind("out-of-window segment", 0), 0u);
    f.reason = "TCP_RFC7323_PAWS";
    EXPECT_EQ(reset_cause(f).rfind("out-of-window segment", 0), 0u);
}

TEST(ResetCause, CloseWithUnreadDataFromTheReasonOrTheStack) {
    ResetFacts f;
    f.has_socket = true;
    f.reason = "TCP_ABORT_ON_CLOSE";
    f.frames = kCloseUnreadStack;
    EXPECT_EQ(reset_cause(f).rfind("close() with unread data", 0), 0u);
    f.reason.reset();  // before 6.10: the stack alone
    EXPECT_EQ(reset_cause(f).rfind("close() with unread data", 0), 0u);
}

TEST(ResetCause, LingerZeroIsTheDisconnectUnderClose) {
    ResetFacts f;
    f.has_socket = true;
    f.reason = "TCP_STATE";  // tcp_disconnect's reason says nothing of the linger
    f.frames = kLingerZeroStack;
    EXPECT_EQ(reset_cause(f).rfind("SO_LINGER 0", 0), 0u);
    f.reason.reset();
    EXPECT_EQ(reset_cause(f).rfind("SO_LINGER 0", 0), 0u);
}

TEST(ResetCause, ASocketlessAnswerBefore610IsAClosedPort) {
    ResetFacts f;
    f.answers_segment = true;
    f.frames = kClosedPortStack;
    EXPECT_EQ(reset_cause(f).rfind("closed port", 0), 0u);
    f.has_socket = true;  // a socket answered: something else
    EXPECT_EQ(reset_cause(f), "");
}

TEST(ResetCause, UnknownReasonsAndReceivedResets) {
    ResetFacts f;
    f.reason = "NOT_SPECIFIED";
    EXPECT_EQ(reset_cause(f), "");
    f.sent = false;
    EXPECT_EQ(reset_cause(f).rfind("reset by the peer", 0), 0u);
}

TEST(ResetCause, FunctionOfAFrame) {
    EXPECT_EQ(function_of_frame("tcp_v4_rcv+0x91/0x13f0 (net/ipv4/tcp_ipv4.c:2270)"), "tcp_v4_rcv");
    EXPECT_EQ(function_of_frame("tcp_close+0x2a"), "tcp_close");
    EXPECT_EQ(function_of_frame("0xffffffff81000000"), "0xffffffff81000000");
}

}  // namespace
}  // namespace ftnt
