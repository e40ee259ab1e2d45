// --reset on the running kernel (tracepoints: the 6.18 machine here has no kprobes): the three
// resets of a long hunt for "which process reset this connection, and why" (a closed port,
// close() with unread data, SO_LINGER 0), each from real traffic between two namespaces, each
// one record naming its direction, tuple, process and cause.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

// The server side's task, told by the forked server through a pipe: its pid and the name it
// gave itself.
struct ServerTask {
    int pid = 0;
    std::string comm;
};

class Pipe {
  public:
    Pipe() { ok_ = ::pipe2(fds_, O_CLOEXEC) == 0; }
    ~Pipe() {
        if (!ok_) return;
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    int write_end() const { return fds_[1]; }
    // The pid the server wrote, or 0 when none came within a second.
    int read_pid() const {
        pollfd ready{fds_[0], POLLIN, 0};
        int pid = 0;
        if (::poll(&ready, 1, 1000) != 1 || ::read(fds_[0], &pid, sizeof pid) != sizeof pid)
            return 0;
        return pid;
    }

  private:
    int fds_[2] = {-1, -1};
    bool ok_ = false;
};

// Called in the forked server: names the task `comm` (so that its resets name it) and tells
// the test its pid.
bool name_server(const char* comm, int pid_pipe) {
    ::prctl(PR_SET_NAME, comm, 0, 0, 0);
    int pid = static_cast<int>(::getpid());
    return ::write(pid_pipe, &pid, sizeof pid) == sizeof pid;
}

bool wait_for_reset(int s) {
    pollfd reset{s, POLLIN, 0};
    ::poll(&reset, 1, 2000);
    return true;
}

// One byte, then the wait for the server's reset.
bool send_byte_and_wait_for_reset(int s) {
    return ::send(s, "x", 1, 0) == 1 && wait_for_reset(s);
}

class ResetLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        if (::access("/sys/kernel/tracing/events/tcp/tcp_send_reset", F_OK) != 0)
            GTEST_SKIP() << "no tcp:tcp_send_reset here";
        // Ports of this process only: other runs' resets are not counted.
        port_ = 20000 + static_cast<int>(::getpid() % 10000);
    }

    // The reset records of the run naming `port` (either end).
    std::vector<nlohmann::json> resets_at(const std::string& out, int port) {
        std::vector<nlohmann::json> found;
        for (const auto& line : parse_json_lines(out))
            if (line.value("type", "") == "reset" &&
                (line.value("sport", -1) == port || line.value("dport", -1) == port))
                found.push_back(line);
        return found;
    }
    static std::vector<nlohmann::json> sent(const std::vector<nlohmann::json>& records) {
        std::vector<nlohmann::json> out;
        for (const auto& r : records)
            if (r.value("direction", "") == "sent") out.push_back(r);
        return out;
    }

    int port_ = 0;
};

std::string stack_text(const nlohmann::json& record) {
    std::string text;
    for (const auto& frame : record.value("stack", nlohmann::json::array()))
        text += frame.get<std::string>() + "\n";
    return text;
}

TEST_F(ResetLive, AClosedPortsResetIsSentWithItsTupleAndCause) {
    NetnsPair ns("rcp");
    ToolRun run({"--reset", "-P", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddrB, port_);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto resets = sent(resets_at(run.stdout_text(), port_));
    ASSERT_EQ(resets.size(), 1u) << run.stdout_text() << run.stderr_text();
    const auto& r = resets[0];
    // The reset goes from b's closed port back to a's connecting socket.
    EXPECT_EQ(r.value("saddr", ""), NetnsPair::kAddrB) << r;
    EXPECT_EQ(r.value("sport", 0), port_) << r;
    EXPECT_EQ(r.value("daddr", ""), NetnsPair::kAddrA) << r;
    EXPECT_GT(r.value("dport", 0), 0) << r;
    EXPECT_EQ(r.value("l4", ""), "TCP") << r;
    EXPECT_EQ(r.value("cause", "").rfind("closed port", 0), 0u) << r;
    EXPECT_EQ(r.value("reason", ""), "NO_SOCKET") << r;  // this kernel's own enum (6.10+)
    EXPECT_NE(stack_text(r).find("tcp_v4_rcv+0x"), std::string::npos) << r;
    EXPECT_TRUE(r.contains("skb")) << "it answers a segment: " << r;
}

TEST_F(ResetLive, AnIPv6ClosedPortsResetHasItsIPv6Tuple) {
    NetnsPair ns("rc6");
    // The reset's own source and source port (the segment it answers has them as destination).
    ToolRun run({"--reset", "-s", NetnsPair::kAddr6B, "-S", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddr6B, port_);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto resets = sent(resets_at(run.stdout_text(), port_));
    ASSERT_EQ(resets.size(), 1u) << run.stdout_text() << run.stderr_text();
    EXPECT_EQ(resets[0].value("saddr", ""), NetnsPair::kAddr6B) << resets[0];
    EXPECT_EQ(resets[0].value("daddr", ""), NetnsPair::kAddr6A) << resets[0];
    EXPECT_EQ(resets[0].value("sport", 0), port_) << resets[0];
    EXPECT_EQ(resets[0].value("cause", "").rfind("closed port", 0), 0u) << resets[0];
    EXPECT_NE(stack_text(resets[0]).find("tcp_v6_rcv+0x"), std::string::npos) << resets[0];
}

TEST_F(ResetLive, CloseWithUnreadDataNamesTheClosingProcessAndTheCause) {
    NetnsPair ns("rcu");
    Pipe server_pid;
    ToolRun run({"--reset", "-P", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    auto serve = [&](int connection) {
        if (!name_server("ftnt-unread", server_pid.write_end())) return false;
        pollfd data{connection, POLLIN, 0};
        return ::poll(&data, 1, 3000) == 1;  // then closed unread: the kernel sends a reset
    };
    auto talk = [](int s) {
        char payload[16] = "ftnettrace-test";
        return ::send(s, payload, sizeof payload, 0) == sizeof payload && wait_for_reset(s);
    };
    tcp_exchange({ns.b(), ns.a(), NetnsPair::kAddrB, port_, 5}, serve, talk);
    int pid = server_pid.read_pid();
    ASSERT_GT(pid, 0);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto records = resets_at(run.stdout_text(), port_);
    auto resets = sent(records);
    ASSERT_EQ(resets.size(), 1u) << run.stdout_text() << run.stderr_text();
    const auto& r = resets[0];
    EXPECT_EQ(r.value("pid", 0), pid) << r;
    EXPECT_EQ(r.value("comm", ""), "ftnt-unread") << r;
    EXPECT_EQ(r.value("saddr", ""), NetnsPair::kAddrB) << r;
    EXPECT_EQ(r.value("sport", 0), port_) << r;
    EXPECT_EQ(r.value("daddr", ""), NetnsPair::kAddrA) << r;
    EXPECT_EQ(r.value("cause", "").rfind("close() with unread data", 0), 0u) << r;
    EXPECT_EQ(r.value("state", ""), "TCP_CLOSE") << r;
    EXPECT_FALSE(r.contains("skb")) << "a socket's own reset answers no segment: " << r;
    EXPECT_NE(stack_text(r).find("tcp_close"), std::string::npos) << r;
    // a's socket received it: one record the other way, from b to a.
    int received = 0;
    for (const auto& record : records)
        if (record.value("direction", "") == "received") {
            ++received;
            EXPECT_EQ(record.value("saddr", ""), NetnsPair::kAddrB) << record;
            EXPECT_EQ(record.value("daddr", ""), NetnsPair::kAddrA) << record;
        }
    EXPECT_EQ(received, 1) << run.stdout_text();
}

TEST_F(ResetLive, LingerZeroNamesTheClosingProcessAndTheCause) {
    NetnsPair ns("rlz");
    Pipe server_pid;
    ToolRun run({"--reset", "-P", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    auto serve = [&](int connection) {
        if (!name_server("ftnt-linger0", server_pid.write_end())) return false;
        // Only once the client is connected (a reset before its connect() returns would fail
        // it), and with its byte read (unread data would be the other cause).
        char byte = 0;
        pollfd data{connection, POLLIN, 0};
        if (::poll(&data, 1, 5000) != 1 || ::recv(connection, &byte, 1, 0) != 1) return false;
        linger abort_on_close{1, 0};
        return ::setsockopt(connection, SOL_SOCKET, SO_LINGER, &abort_on_close,
                            sizeof abort_on_close) == 0;  // then closed: a reset, no FIN
    };
    tcp_exchange({ns.b(), ns.a(), NetnsPair::kAddrB, port_, 5}, serve,
                 send_byte_and_wait_for_reset);
    int pid = server_pid.read_pid();
    ASSERT_GT(pid, 0);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto resets = sent(resets_at(run.stdout_text(), port_));
    ASSERT_EQ(resets.size(), 1u) << run.stdout_text() << run.stderr_text();
    const auto& r = resets[0];
    EXPECT_EQ(r.value("pid", 0), pid) << r;
    EXPECT_EQ(r.value("comm", ""), "ftnt-linger0") << r;
    EXPECT_EQ(r.value("sport", 0), port_) << r;
    EXPECT_EQ(r.value("cause", "").rfind("SO_LINGER 0", 0), 0u) << r;
    EXPECT_NE(stack_text(r).find("tcp_disconnect"), std::string::npos) << r;
}

// A TcpExt counter of the namespace's /proc/net/netstat (a line of names, then one of values).
std::string tcp_ext_counter(const std::string& netns, const std::string& name) {
    std::istringstream lines(shell_output("ip netns exec " + netns + " cat /proc/net/netstat"));
    std::string names, values;
    while (std::getline(lines, names) && std::getline(lines, values)) {
        if (!names.starts_with("TcpExt:")) continue;
        std::istringstream n(names), v(values);
        std::string key, value;
        while (n >> key && v >> value)
            if (key == name) return value;
    }
    return "";
}

// A listener whose accept queue is full when a handshake completes (backlog 1, never
// accepting; TCP_DEFER_ACCEPT keeps each connection pending until its first data, so that the
// third one's data finds the queue full) resets it when tcp_abort_on_overflow=1.
void overflow_a_listener(const std::string& server_ns, const std::string& client_ns, int port) {
    int ready[2];
    ASSERT_EQ(::pipe2(ready, O_CLOEXEC), 0);
    pid_t server = ::fork();
    ASSERT_GE(server, 0);
    if (server == 0) {
        int fd = ::open(("/run/netns/" + server_ns).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
        ::alarm(5);
        sockaddr_in at{};
        at.sin_family = AF_INET;
        at.sin_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET, NetnsPair::kAddrB, &at.sin_addr);
        int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        int defer_seconds = 5;
        ::setsockopt(listener, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds, sizeof defer_seconds);
        if (::bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
            ::listen(listener, 1) != 0 || ::write(ready[1], "r", 1) != 1)
            ::_exit(4);
        ::sleep(3);  // never accepts
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    pollfd listening{ready[0], POLLIN, 0};
    bool up = ::poll(&listening, 1, 3000) == 1 && ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    pid_t client = up ? ::fork() : -1;
    if (client == 0) {
        int fd = ::open(("/run/netns/" + client_ns).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
        ::alarm(5);
        {
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(static_cast<uint16_t>(port));
            ::inet_pton(AF_INET, NetnsPair::kAddrB, &to.sin_addr);
            auto connected = [&] {
                int s = ::socket(AF_INET, SOCK_STREAM, 0);
                return ::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 ? s : -1;
            };
            int first = connected();
            if (first < 0 || ::send(first, "a", 1, 0) != 1) ::_exit(7);  // queued: 1 of 2
            ::usleep(100'000);
            int second = connected(), third = connected();
            if (second < 0 || third < 0) ::_exit(8);
            ::usleep(100'000);
            if (::send(second, "b", 1, 0) != 1) ::_exit(9);  // queued: 2 of 2
            ::usleep(100'000);
            if (::send(third, "c", 1, 0) != 1) ::_exit(10);  // the queue is full: a reset
            wait_for_reset(third);
        }
        ::_exit(0);
    }
    int status = 0;
    if (client > 0) ::waitpid(client, &status, 0);
    EXPECT_TRUE(client < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 0)) << status;
    ::waitpid(server, &status, 0);
    ASSERT_TRUE(up) << "the listener did not start";
}

TEST_F(ResetLive, AListenerOverflowsResetSaysSo) {
    NetnsPair ns("rlo");
    ASSERT_EQ(ns.run(ns.b(), "sysctl -q -w net.ipv4.tcp_abort_on_overflow=1"), 0);
    ToolRun run({"--reset", "-P", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    overflow_a_listener(ns.b(), ns.a(), port_);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    // One overflow; then the listener's exit resets the two connections it had queued.
    std::vector<nlohmann::json> overflows, closed;
    for (const auto& reset : sent(resets_at(run.stdout_text(), port_))) {
        if (reset.value("cause", "").rfind("listener overflow", 0) == 0) overflows.push_back(reset);
        if (reset.value("cause", "").rfind("listener closed", 0) == 0) closed.push_back(reset);
    }
    EXPECT_EQ(closed.size(), 2u) << run.stdout_text();
    ASSERT_EQ(overflows.size(), 1u) << run.stdout_text() << run.stderr_text();
    const auto& r = overflows[0];
    EXPECT_NE(r.value("cause", "").find("tcp_abort_on_overflow"), std::string::npos) << r;
    EXPECT_EQ(r.value("state", ""), "TCP_LISTEN") << r;
    EXPECT_EQ(r.value("saddr", ""), NetnsPair::kAddrB) << r;
    EXPECT_EQ(r.value("sport", 0), port_) << r;
    EXPECT_NE(stack_text(r).find("tcp_check_req+0x"), std::string::npos) << r;
    // The kernel's own count: the listener overflowed once.
    EXPECT_EQ(tcp_ext_counter(ns.b(), "ListenOverflows"), "1");
}

TEST_F(ResetLive, TheTextRecordSaysDirectionTupleProcessAndCause) {
    NetnsPair ns("rtx");
    ToolRun run({"--reset", "-P", std::to_string(port_)});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddrB, port_);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    std::string out = run.stdout_text();
    std::string head = "] reset sent TCP " + std::string(NetnsPair::kAddrB) + ":" +
                       std::to_string(port_) + " -> " + NetnsPair::kAddrA + ":";
    EXPECT_NE(out.find(head), std::string::npos) << out;
    EXPECT_NE(out.find("\n    cause: closed port"), std::string::npos) << out;
    EXPECT_NE(out.find("    #0 "), std::string::npos) << out;
}

TEST_F(ResetLive, NetnsIsRefusedNamingWhy) {
    std::string err;
    EXPECT_EQ(run_tool({"--reset", "--netns-current"}, nullptr, &err), 2) << err;
    EXPECT_NE(err.find("carry no network namespace"), std::string::npos) << err;
}

}  // namespace
}  // namespace ftnt::test
