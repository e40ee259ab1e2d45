// --sock on the running kernel (tracepoints: the 6.18 machine here has no kprobes): a TCP
// session between two namespaces shows its state changes in order with its tuple and process,
// the same the kernel's own inet_sock_set_state says in an instance of the test's; a segment
// the peer drops shows as a retransmit; --tcp-state and --tcp-srtt keep only what they name.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "support/netns.h"
#include "support/tool_run.h"

namespace ftnt::test {
namespace {

using Change = std::pair<std::string, std::string>;  // old state, new state

// A child process in `netns`, named `comm`, running `body` (its exit status); at most 8 s.
pid_t start_in(const std::string& netns, const char* comm, const std::function<int()>& body) {
    pid_t child = ::fork();
    if (child != 0) return child;
    int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
    ::prctl(PR_SET_NAME, comm, 0, 0, 0);
    ::alarm(8);
    ::_exit(body());
}

int wait_child(pid_t child) {
    int status = 0;
    if (child <= 0 || ::waitpid(child, &status, 0) != child) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

sockaddr_in address_of(const char* address, int port) {
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, address, &at.sin_addr);
    return at;
}

// A server on b's address:port: accepts one connection, echoes until the peer closes,
// writes `reply_bytes` more first (0: none), then closes. Tells `ready` once listening.
int serve(int port, int ready, std::size_t reply_bytes) {
    auto at = address_of(NetnsPair::kAddrB, port);
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 ||
        ::listen(listener, 4) != 0 || ::write(ready, "r", 1) != 1)
        return 4;
    int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) return 5;
    std::vector<char> bulk(reply_bytes, 'x');
    for (std::size_t sent = 0; sent < bulk.size();) {
        auto n = ::send(connection, bulk.data() + sent, bulk.size() - sent, 0);
        if (n <= 0) return 6;
        sent += static_cast<std::size_t>(n);
    }
    char buffer[256];
    for (int i = 0; i < 1000; ++i) {
        auto n = ::recv(connection, buffer, sizeof buffer, 0);
        if (n <= 0) break;
        if (::send(connection, buffer, static_cast<std::size_t>(n), 0) != n) break;
    }
    ::close(connection);
    ::close(listener);
    return 0;
}

// A client in a: connects to b's port, reads `expect_bytes` (the server's bulk), pauses
// `hold_ms` (the test's moment to act), sends a message, reads its echo, closes.
int talk(int port, std::size_t expect_bytes, int hold_ms, int sent_pid) {
    int pid = static_cast<int>(::getpid());
    if (::write(sent_pid, &pid, sizeof pid) != sizeof pid) return 6;
    auto to = address_of(NetnsPair::kAddrB, port);
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return 7;
    std::vector<char> buffer(65536);
    for (std::size_t got = 0; got < expect_bytes;) {
        auto n = ::recv(s, buffer.data(), buffer.size(), 0);
        if (n <= 0) return 8;
        got += static_cast<std::size_t>(n);
    }
    if (hold_ms) ::usleep(static_cast<useconds_t>(hold_ms) * 1000);
    char message[10] = "ftnt-echo";
    if (::send(s, message, sizeof message, 0) != sizeof message) return 9;
    if (::recv(s, buffer.data(), sizeof message, MSG_WAITALL) != sizeof message) return 10;
    ::close(s);
    ::usleep(200'000);  // the peer's FIN and the last ACK
    return 0;
}

struct Session {
    int client_pid = 0;
    int client_status = -1, server_status = -1;
};

// One session on `port`; `during` runs in the test once the client is connected and waiting.
Session run_session(const NetnsPair& ns, int port, std::size_t bulk, int hold_ms,
                    const std::function<void()>& during = {}) {
    int ready[2], pid_pipe[2];
    Session result;
    if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(pid_pipe, O_CLOEXEC) != 0) return result;
    pid_t server = start_in(ns.b(), "ftnt-socksrv", [&] { return serve(port, ready[1], bulk); });
    char byte = 0;
    pollfd listening{ready[0], POLLIN, 0};
    pid_t client = -1;
    if (::poll(&listening, 1, 3000) == 1 && ::read(ready[0], &byte, 1) == 1)
        client = start_in(ns.a(), "ftnt-sockcli",
                          [&] { return talk(port, bulk, hold_ms, pid_pipe[1]); });
    pollfd told{pid_pipe[0], POLLIN, 0};
    if (client > 0 && ::poll(&told, 1, 2000) == 1)
        (void)!::read(pid_pipe[0], &result.client_pid, sizeof result.client_pid);
    if (client > 0 && during) {
        ::usleep(300'000);
        during();
    }
    result.client_status = wait_child(client);
    if (client <= 0) ::kill(server, SIGKILL);
    result.server_status = wait_child(server);
    for (int fd : {ready[0], ready[1], pid_pipe[0], pid_pipe[1]}) ::close(fd);
    return result;
}

// An instance of the test's own with sock:inet_sock_set_state on, filtered to one port: the
// kernel's own account of the states, as its `trace` file prints them. Removed at the end.
class StateOracle {
  public:
    explicit StateOracle(int port)
        : path_("/sys/kernel/tracing/instances/ftnettrace-sockoracle-" +
                std::to_string(::getpid())) {
        if (::mkdir(path_.c_str(), 0755) != 0) return;
        made_ = true;
        std::string event = path_ + "/events/sock/inet_sock_set_state/";
        std::ofstream(event + "filter") << "sport == " << port << " || dport == " << port;
        std::ofstream(event + "enable") << "1";
    }
    ~StateOracle() {
        if (!made_) return;
        std::ofstream(path_ + "/events/enable") << "0";
        ::rmdir(path_.c_str());
    }
    StateOracle(const StateOracle&) = delete;
    StateOracle& operator=(const StateOracle&) = delete;
    bool made() const { return made_; }
    // The changes of a's socket to b's `port` (its local port is 0 until connect() hashes
    // it), in the trace's order.
    std::vector<Change> client_changes(int port) const {
        std::ifstream in(path_ + "/trace");
        std::vector<Change> out;
        std::regex line_re(" dport=" + std::to_string(port) + " saddr=" + NetnsPair::kAddrA +
                           " .*oldstate=(TCP_[A-Z0-9_]+) newstate=(TCP_[A-Z0-9_]+)");
        std::string line;
        std::smatch m;
        while (std::getline(in, line))
            if (std::regex_search(line, m, line_re)) out.emplace_back(m[1], m[2]);
        return out;
    }

  private:
    std::string path_;
    bool made_ = false;
};

class SockLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        if (::access("/sys/kernel/tracing/events/sock/inet_sock_set_state", F_OK) != 0)
            GTEST_SKIP() << "no sock:inet_sock_set_state here";
        port_ = 40000 + static_cast<int>(::getpid() % 10000);
    }

    static std::vector<nlohmann::json> records(const std::string& out) {
        std::vector<nlohmann::json> found;
        for (const auto& line : parse_json_lines(out))
            if (line.value("type", "") == "sock") found.push_back(line);
        return found;
    }
    // The state changes of the client's socket (a's side, to b's port), in order.
    std::vector<nlohmann::json> client_changes(const std::string& out) const {
        std::vector<nlohmann::json> found;
        for (const auto& r : records(out))
            if (r.value("source", "") == "sock:inet_sock_set_state" &&
                r.value("saddr", "") == NetnsPair::kAddrA && r.value("dport", 0) == port_)
                found.push_back(r);
        return found;
    }

    int port_ = 0;
};

TEST_F(SockLive, ASessionsStateChangesComeInOrderWithTupleAndProcess) {
    NetnsPair ns("sst");
    StateOracle oracle(port_);
    ASSERT_TRUE(oracle.made());
    ToolRun run({"--sock", "-P", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    auto session = run_session(ns, port_, 0, 0);
    EXPECT_EQ(session.client_status, 0);
    EXPECT_EQ(session.server_status, 0);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto changes = client_changes(run.stdout_text());
    ASSERT_GE(changes.size(), 4u) << run.stdout_text() << run.stderr_text();
    std::vector<Change> shown;
    for (const auto& c : changes)
        shown.emplace_back(c.value("old_state", ""), c.value("state", ""));
    EXPECT_EQ(shown[0], Change("TCP_CLOSE", "TCP_SYN_SENT"));
    EXPECT_EQ(shown[1], Change("TCP_SYN_SENT", "TCP_ESTABLISHED"));
    EXPECT_EQ(shown[2], Change("TCP_ESTABLISHED", "TCP_FIN_WAIT1"));
    EXPECT_EQ(shown[3], Change("TCP_FIN_WAIT1", "TCP_FIN_WAIT2"));
    // connect() and close() run in the client: its pid and the name it gave itself.
    for (std::size_t i : {std::size_t{0}, std::size_t{2}}) {
        EXPECT_EQ(changes[i].value("pid", 0), session.client_pid) << changes[i];
        EXPECT_EQ(changes[i].value("daddr", ""), NetnsPair::kAddrB) << changes[i];
        EXPECT_EQ(changes[i].value("l4", ""), "TCP") << changes[i];
    }
    EXPECT_EQ(changes[2].value("comm", ""), "ftnt-sockcli") << changes[2];
    // The kernel's own tracer saw the same changes of that socket, in the same order.
    EXPECT_EQ(shown, oracle.client_changes(port_));
}

TEST_F(SockLive, TcpStateKeepsOnlyTheChangesIntoAndOutOfThatState) {
    NetnsPair ns("sfs");
    ToolRun all({"--sock", "-P", std::to_string(port_), "-o", "json"});
    ToolRun fin(
        {"--sock", "-P", std::to_string(port_), "--tcp-state", "TCP_FIN_WAIT1", "-o", "json"});
    ASSERT_TRUE(all.wait_ready()) << all.stderr_text();
    ASSERT_TRUE(fin.wait_ready()) << fin.stderr_text();
    auto session = run_session(ns, port_, 0, 0);
    EXPECT_EQ(session.client_status, 0);
    usleep(300'000);
    ASSERT_EQ(all.stop(SIGINT), 0) << all.stderr_text();
    ASSERT_EQ(fin.stop(SIGINT), 0) << fin.stderr_text();
    // Without the filter: other states too.
    bool other = false;
    for (const auto& r : records(all.stdout_text()))
        other = other || (r.value("old_state", "") != "TCP_FIN_WAIT1" &&
                          r.value("state", "") != "TCP_FIN_WAIT1");
    EXPECT_TRUE(other) << all.stdout_text();
    // With it: only the client's two changes through FIN_WAIT1.
    auto kept = records(fin.stdout_text());
    ASSERT_EQ(kept.size(), 2u) << fin.stdout_text() << fin.stderr_text();
    EXPECT_EQ(kept[0].value("old_state", ""), "TCP_ESTABLISHED") << kept[0];
    EXPECT_EQ(kept[0].value("state", ""), "TCP_FIN_WAIT1") << kept[0];
    EXPECT_EQ(kept[1].value("old_state", ""), "TCP_FIN_WAIT1") << kept[1];
    EXPECT_EQ(kept[1].value("state", ""), "TCP_FIN_WAIT2") << kept[1];
    EXPECT_NE(fin.stderr_text().find("oldstate == 4 || newstate == 4"), std::string::npos)
        << "filtered in the kernel: " << fin.stderr_text();
}

TEST_F(SockLive, ASegmentThePeerDropsIsShownRetransmitted) {
    NetnsPair ns("srx");
    ToolRun run({"--sock", "-P", std::to_string(port_), "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    // Once connected, b drops what a sends: a's echo request is retransmitted until the rule
    // goes (the hold keeps the client waiting for the echo).
    std::string rule = "-p tcp --dport " + std::to_string(port_) + " -j DROP";
    auto session = run_session(ns, port_, 0, 600, [&] {
        ns.run(ns.b(), "iptables -I INPUT " + rule);
        usleep(1'200'000);
        ns.run(ns.b(), "iptables -D INPUT " + rule);
    });
    EXPECT_EQ(session.client_status, 0);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    std::vector<nlohmann::json> retransmits;
    for (const auto& r : records(run.stdout_text()))
        if (r.value("source", "") == "tcp:tcp_retransmit_skb") retransmits.push_back(r);
    ASSERT_GE(retransmits.size(), 1u) << run.stdout_text() << run.stderr_text();
    EXPECT_EQ(retransmits[0].value("saddr", ""), NetnsPair::kAddrA) << retransmits[0];
    EXPECT_EQ(retransmits[0].value("daddr", ""), NetnsPair::kAddrB) << retransmits[0];
    EXPECT_EQ(retransmits[0].value("dport", 0), port_) << retransmits[0];
    EXPECT_EQ(retransmits[0].value("state", ""), "TCP_ESTABLISHED") << retransmits[0];
}

// tcp:tcp_probe's srtt values of one port, as the kernel's own trace prints them.
class ProbeOracle {
  public:
    explicit ProbeOracle(int port)
        : path_("/sys/kernel/tracing/instances/ftnettrace-probeoracle-" +
                std::to_string(::getpid())) {
        if (::mkdir(path_.c_str(), 0755) != 0) return;
        made_ = true;
        std::string event = path_ + "/events/tcp/tcp_probe/";
        std::ofstream(event + "filter") << "sport == " << port << " || dport == " << port;
        std::ofstream(event + "enable") << "1";
    }
    ~ProbeOracle() {
        if (!made_) return;
        std::ofstream(path_ + "/events/enable") << "0";
        ::rmdir(path_.c_str());
    }
    ProbeOracle(const ProbeOracle&) = delete;
    ProbeOracle& operator=(const ProbeOracle&) = delete;
    bool made() const { return made_; }
    // Until the port's tcp_probe has been silent for `quiet_ms` (at most 5 s): a connection's
    // last samples (its FIN's ACK through the token bucket) come after the session returns,
    // and a tool stopped before them misses what this trace keeps.
    void wait_quiet(int quiet_ms) const {
        std::size_t seen = srtts_at_least(0).size();
        for (int waited = 0, still = 0; waited < 5000 && still < quiet_ms; waited += 100) {
            usleep(100'000);
            std::size_t now = srtts_at_least(0).size();
            still = now == seen ? still + 100 : 0;
            seen = now;
        }
    }
    std::vector<uint64_t> srtts_at_least(uint64_t us) const {
        std::ifstream in(path_ + "/trace");
        std::vector<uint64_t> out;
        std::regex srtt_re(" srtt=([0-9]+) ");
        std::string line;
        std::smatch m;
        while (std::getline(in, line))
            if (std::regex_search(line, m, srtt_re) && std::stoull(m[1]) >= us)
                out.push_back(std::stoull(m[1]));
        std::sort(out.begin(), out.end());
        return out;
    }

  private:
    std::string path_;
    bool made_ = false;
};

TEST_F(SockLive, TcpSrttKeepsOnlySocketsThatSlow) {
    if (::access("/sys/kernel/tracing/events/tcp/tcp_probe", F_OK) != 0)
        GTEST_SKIP() << "no tcp:tcp_probe here";
    NetnsPair ns("ssr");
    int fast_port = port_, slow_port = port_ + 1;
    ToolRun fast_all({"--sock", "-P", std::to_string(fast_port), "-o", "json"});
    ToolRun fast({"--sock", "-P", std::to_string(fast_port), "--tcp-srtt", "20", "-o", "json"});
    ToolRun slow({"--sock", "-P", std::to_string(slow_port), "--tcp-srtt", "20", "-o", "json"});
    ProbeOracle oracle(slow_port);
    ASSERT_TRUE(oracle.made());
    for (auto* run : {&fast_all, &fast, &slow})
        ASSERT_TRUE(run->wait_ready()) << run->stderr_text();
    // An unhurried session, then one whose server sends 256 KB through a 4 Mbit/s token
    // bucket on b's side: its segments queue there, so its RTT samples grow past 20 ms.
    auto quick = run_session(ns, fast_port, 16384, 0);
    EXPECT_EQ(quick.client_status, 0);
    std::string veth_b = "ftnt" + std::to_string(::getpid() % 100000) + "b";
    ASSERT_EQ(ns.run(ns.b(),
                     "tc qdisc add dev " + veth_b + " root tbf rate 4mbit burst 16kb limit 512kb"),
              0);
    auto slowed = run_session(ns, slow_port, 262144, 0);
    EXPECT_EQ(slowed.client_status, 0);
    oracle.wait_quiet(500);
    usleep(300'000);
    for (auto* run : {&fast_all, &fast, &slow})
        ASSERT_EQ(run->stop(SIGINT), 0) << run->stderr_text();
    // Without the filter the quick session shows; with it, nothing of it.
    EXPECT_FALSE(records(fast_all.stdout_text()).empty()) << fast_all.stderr_text();
    EXPECT_TRUE(records(fast.stdout_text()).empty()) << fast.stdout_text();
    // The slowed server's samples: exactly those of the kernel's own tcp_probe at or above
    // 20 ms (filtered in the kernel), and its later events by what its socket last had.
    std::vector<uint64_t> shown;
    bool later = false;
    for (const auto& r : records(slow.stdout_text())) {
        if (r.value("source", "") == "tcp:tcp_probe")
            shown.push_back(r.value("srtt_us", uint64_t{0}));
        else
            later = true;
    }
    std::sort(shown.begin(), shown.end());
    ASSERT_FALSE(shown.empty()) << slow.stdout_text() << slow.stderr_text();
    EXPECT_GE(shown.front(), 20000u);
    auto kernels = oracle.srtts_at_least(20000);
    std::vector<uint64_t> only_shown, only_kernels;
    std::set_difference(shown.begin(), shown.end(), kernels.begin(), kernels.end(),
                        std::back_inserter(only_shown));
    std::set_difference(kernels.begin(), kernels.end(), shown.begin(), shown.end(),
                        std::back_inserter(only_kernels));
    EXPECT_EQ(shown, kernels) << shown.size() << " shown, " << kernels.size()
                              << " in the kernel's trace; only shown: "
                              << testing::PrintToString(only_shown)
                              << "; only in the trace: " << testing::PrintToString(only_kernels);
    EXPECT_TRUE(later) << "the slowed server's close: " << slow.stdout_text();
}

TEST_F(SockLive, BadTcpStateExitsTwoNamingTheStates) {
    std::string err;
    EXPECT_EQ(run_tool({"--sock", "--tcp-state", "TCP_NAPPING"}, nullptr, &err), 2) << err;
    EXPECT_NE(err.find("is not a TCP state"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--sock", "--tcp-srtt", "-3"}, nullptr, &err), 2) << err;
}

}  // namespace
}  // namespace ftnt::test
