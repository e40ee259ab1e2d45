// --reset on kernels with kprobes. Without reset reasons (before 6.10: Debian's 6.1 and 5.10)
// tcp:tcp_send_reset is not raised for a segment that found no socket, so a closed port's
// reset comes from the kprobe on tcp_v4_send_reset (kept in the kernel to a NULL socket: no
// reset twice); close() with unread data and SO_LINGER 0 are told apart by the stack, and
// name the closing process.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

class ResetGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        port_ = 21000 + static_cast<int>(::getpid() % 5000);
    }
    std::vector<nlohmann::json> sent_at(const std::vector<nlohmann::json>& objects) const {
        std::vector<nlohmann::json> out;
        for (const auto& r : of_type(objects, "reset"))
            if (r.value("direction", "") == "sent" &&
                (r.value("sport", -1) == port_ || r.value("dport", -1) == port_))
                out.push_back(r);
        return out;
    }
    int port_ = 0;
};

// In the forked server: its name, and its pid through the pipe.
bool name_server(const char* comm, int pid_pipe) {
    ::prctl(PR_SET_NAME, comm, 0, 0, 0);
    int pid = static_cast<int>(::getpid());
    return ::write(pid_pipe, &pid, sizeof pid) == sizeof pid;
}

int read_pid(int fd) {
    pollfd ready{fd, POLLIN, 0};
    int pid = 0;
    if (::poll(&ready, 1, 1000) != 1 || ::read(fd, &pid, sizeof pid) != sizeof pid) return 0;
    return pid;
}

bool wait_for_reset(int s) {
    pollfd reset{s, POLLIN, 0};
    ::poll(&reset, 1, 3000);
    return true;
}

// One byte, then the wait for the server's reset.
bool send_byte_and_wait_for_reset(int s) {
    return ::send(s, "x", 1, 0) == 1 && wait_for_reset(s);
}

TEST_F(ResetGuest, AClosedPortsResetIsSeenOnceWithItsTupleAndCause) {
    NetnsPair ns("grc");
    // The reset's own source: not the answered segment's (the kprobe reads that one).
    auto objects = run({"--reset", "-s", NetnsPair::kAddrB, "-S", std::to_string(port_)},
                       [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, port_); });
    auto resets = sent_at(objects);
    ASSERT_EQ(resets.size(), 1u) << dump(objects) << stderr_;
    const auto& r = resets[0];
    // From the kernel's format file, not its version: 6.10+ raise the tracepoint for it, with
    // a reason; before, only the kprobe sees it.
    auto format = shell_output("cat " + tracefs_file("events/tcp/tcp_send_reset/format"));
    bool reasons = format.find(" reason;") != std::string::npos;
    EXPECT_EQ(r.value("source", ""), reasons ? "tcp:tcp_send_reset" : "tcp_v4_send_reset") << r;
    EXPECT_EQ(r.value("reason", ""), reasons ? "NO_SOCKET" : "") << r;
    EXPECT_EQ(r.value("saddr", ""), NetnsPair::kAddrB) << r;
    EXPECT_EQ(r.value("sport", 0), port_) << r;
    EXPECT_EQ(r.value("daddr", ""), NetnsPair::kAddrA) << r;
    EXPECT_EQ(r.value("cause", "").rfind("closed port", 0), 0u) << r;
}

TEST_F(ResetGuest, CloseWithUnreadDataAndLingerZeroNameTheProcessAndTheCause) {
    NetnsPair ns("grl");
    int pipe_fds[2];
    ASSERT_EQ(::pipe2(pipe_fds, O_CLOEXEC), 0);
    int unread_port = port_, linger_port = port_ + 1;
    auto unread = [&](int connection) {
        if (!name_server("ftnt-unread", pipe_fds[1])) return false;
        pollfd data{connection, POLLIN, 0};
        return ::poll(&data, 1, 5000) == 1;
    };
    auto send_data = [](int s) {
        char payload[16] = "ftnettrace-test";
        return ::send(s, payload, sizeof payload, 0) == sizeof payload && wait_for_reset(s);
    };
    auto linger_zero = [&](int connection) {
        if (!name_server("ftnt-linger0", pipe_fds[1])) return false;
        // Only once the client is connected (a reset before its connect() returns would fail
        // it), and with its byte read (unread data would be the other cause).
        char byte = 0;
        pollfd data{connection, POLLIN, 0};
        if (::poll(&data, 1, 5000) != 1 || ::recv(connection, &byte, 1, 0) != 1) return false;
        linger abort_on_close{1, 0};
        return ::setsockopt(connection, SOL_SOCKET, SO_LINGER, &abort_on_close,
                            sizeof abort_on_close) == 0;
    };
    int unread_pid = 0, linger_pid = 0;
    // A failed exchange is said, not thrown: the run still stops and removes its probes.
    auto exchange = [&](int port, const std::function<bool(int)>& serve,
                        const std::function<bool(int)>& talk) {
        try {
            tcp_exchange({ns.b(), ns.a(), NetnsPair::kAddrB, port, 10}, serve, talk);
        } catch (const std::exception& error) {
            ADD_FAILURE() << "port " << port << ": " << error.what();
        }
        return read_pid(pipe_fds[0]);
    };
    auto objects = run({"--reset", "--addr", NetnsPair::kAddrB}, [&] {
        unread_pid = exchange(unread_port, unread, send_data);
        linger_pid = exchange(linger_port, linger_zero, send_byte_and_wait_for_reset);
    });
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ASSERT_GT(unread_pid, 0);
    ASSERT_GT(linger_pid, 0);
    std::vector<nlohmann::json> by_unread, by_linger;
    for (const auto& r : of_type(objects, "reset")) {
        if (r.value("direction", "") != "sent") continue;
        if (r.value("sport", -1) == unread_port) by_unread.push_back(r);
        if (r.value("sport", -1) == linger_port) by_linger.push_back(r);
    }
    ASSERT_EQ(by_unread.size(), 1u) << dump(objects) << stderr_;
    EXPECT_EQ(by_unread[0].value("pid", 0), unread_pid) << by_unread[0];
    EXPECT_EQ(by_unread[0].value("comm", ""), "ftnt-unread") << by_unread[0];
    EXPECT_EQ(by_unread[0].value("cause", "").rfind("close() with unread data", 0), 0u)
        << by_unread[0];
    // Before 6.10 tcp_send_active_reset raises tcp_send_reset too (skbaddr 0): a socket event.
    EXPECT_EQ(by_unread[0].value("source", ""), "tcp:tcp_send_reset") << by_unread[0];
    EXPECT_FALSE(by_unread[0].contains("skb")) << by_unread[0];
    ASSERT_EQ(by_linger.size(), 1u) << dump(objects) << stderr_;
    EXPECT_EQ(by_linger[0].value("pid", 0), linger_pid) << by_linger[0];
    EXPECT_EQ(by_linger[0].value("comm", ""), "ftnt-linger0") << by_linger[0];
    EXPECT_EQ(by_linger[0].value("cause", "").rfind("SO_LINGER 0", 0), 0u) << by_linger[0];
}

}  // namespace
}  // namespace ftnt::test
