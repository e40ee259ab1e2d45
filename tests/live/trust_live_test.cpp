// Output a user can trust, on the running kernel (the 6.18 machine here has no kprobes):
// every reset the kernel traces is shown with its tuple and its own reason names, options
// this kernel cannot honour are named, and JSON carries no placeholder for an absent field.
// The reference for the resets is a tracefs instance of the test's own, read as text.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

bool kernel_has_kprobes() {
    return ::access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
           ::access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

// A trace instance of the test (not of the tool), with some tcp events enabled, read as the
// kernel prints them: the oracle the tool did not write. Removed by its destructor.
class OracleInstance {
  public:
    explicit OracleInstance(const std::vector<std::string>& tcp_events)
        : path_("/sys/kernel/tracing/instances/ftnettrace-oracle-" + std::to_string(::getpid())) {
        if (::mkdir(path_.c_str(), 0755) != 0) return;
        for (const auto& event : tcp_events)
            std::ofstream(path_ + "/events/tcp/" + event + "/enable") << "1";
        made_ = true;
    }
    ~OracleInstance() {
        if (!made_) return;
        std::ofstream(path_ + "/events/enable") << "0";
        ::rmdir(path_.c_str());
    }
    OracleInstance(const OracleInstance&) = delete;
    OracleInstance& operator=(const OracleInstance&) = delete;
    bool made() const { return made_; }
    // Lines of the trace naming `event` and containing `needle`.
    std::vector<std::string> lines(const std::string& event, const std::string& needle) const {
        std::ifstream in(path_ + "/trace");
        std::vector<std::string> out;
        std::string line;
        while (std::getline(in, line))
            if (line.find(" " + event + ":") != std::string::npos &&
                line.find(needle) != std::string::npos)
                out.push_back(line);
        return out;
    }

  private:
    std::string path_;
    bool made_ = false;
};

class TrustLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

bool names_port(const nlohmann::json& event, int port) {
    return event.value("sport", -1) == port || event.value("dport", -1) == port;
}

TEST_F(TrustLive, EveryResetIsShownWithItsTupleAndItsOwnReasonNames) {
    if (::access("/sys/kernel/tracing/events/tcp/tcp_send_reset", F_OK) != 0)
        GTEST_SKIP() << "no tcp:tcp_send_reset here";
    // Ports of this process only: other runs' resets are not counted.
    int closed_port = 7300 + static_cast<int>(::getpid() % 300);
    int server_port = closed_port + 300;
    NetnsPair ns("rst");
    OracleInstance oracle({"tcp_send_reset", "tcp_receive_reset"});
    ASSERT_TRUE(oracle.made());
    ToolRun run({"-t", "tcp:tcp_send_reset,tcp:tcp_receive_reset", "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddrB, closed_port);
    tcp_close_with_unread_data(ns.b(), ns.a(), NetnsPair::kAddrB, server_port);
    usleep(500'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();

    // JSON gives every event once as an "event" object (a packet object repeats its own).
    std::map<std::string, std::vector<nlohmann::json>> shown;  // by "func port"
    for (const auto& line : parse_json_lines(run.stdout_text())) {
        if (line.value("type", "") != "event") continue;
        for (int p : {closed_port, server_port})
            if (names_port(line, p))
                shown[line.value("func", "") + " " + std::to_string(p)].push_back(line);
    }
    // The kernel's own count, event by event and port by port.
    for (const char* event : {"tcp_send_reset", "tcp_receive_reset"})
        for (int p : {closed_port, server_port}) {
            auto expected = oracle.lines(event, ":" + std::to_string(p));
            if (std::string(event) == "tcp_receive_reset")
                expected = oracle.lines(event, "port=" + std::to_string(p));
            auto key = std::string("tcp:") + event + " " + std::to_string(p);
            EXPECT_GE(expected.size(), 1u) << key << " not in the kernel's trace";
            EXPECT_EQ(shown[key].size(), expected.size())
                << key << "\n"
                << ::testing::PrintToString(expected) << run.stdout_text();
        }

    // The closed port's reset answers the SYN (from b's port back to a); close() with unread
    // data resets from the server's socket. Reasons are tcp_send_reset's own enum.
    auto closed = shown["tcp:tcp_send_reset " + std::to_string(closed_port)];
    ASSERT_EQ(closed.size(), 1u);
    EXPECT_EQ(closed[0].value("saddr", ""), NetnsPair::kAddrB);
    EXPECT_EQ(closed[0].value("sport", 0), closed_port);
    EXPECT_EQ(closed[0].value("daddr", ""), NetnsPair::kAddrA);
    EXPECT_EQ(closed[0].value("l4", ""), "TCP");
    EXPECT_EQ(closed[0].value("reason", ""), "NO_SOCKET") << closed[0];
    auto unread = shown["tcp:tcp_send_reset " + std::to_string(server_port)];
    ASSERT_EQ(unread.size(), 1u);
    EXPECT_EQ(unread[0].value("saddr", ""), NetnsPair::kAddrB);
    EXPECT_EQ(unread[0].value("sport", 0), server_port);
    EXPECT_EQ(unread[0].value("reason", ""), "TCP_ABORT_ON_CLOSE") << unread[0];
    EXPECT_FALSE(unread[0].contains("skb")) << "no skb: none is printed";
    EXPECT_TRUE(unread[0].contains("sk")) << unread[0];
    EXPECT_FALSE(unread[0].value("state", "").empty()) << unread[0];
    // a's socket receives both resets.
    auto received = shown["tcp:tcp_receive_reset " + std::to_string(server_port)];
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].value("daddr", ""), NetnsPair::kAddrB) << received[0];
}

TEST_F(TrustLive, OptionsThisKernelCannotHonourAreNamed) {
    if (kernel_has_kprobes()) GTEST_SKIP() << "this kernel has kprobes: nothing is ignored";
    std::string err;
    EXPECT_EQ(
        run_tool({"--ret", "--hooks", "--trace-stack", "ip_rcv,kfree_skb", "--duration", "0.5"},
                 nullptr, &err),
        0)
        << err;
    std::istringstream lines(err);
    std::string line, degradation;
    while (std::getline(lines, line))
        if (line.find("kprobes: this kernel has no kprobe_events") != std::string::npos)
            degradation = line;
    EXPECT_NE(degradation.find("ignored here: --ret, --hooks, --trace-stack ip_rcv "),
              std::string::npos)
        << err;  // kfree_skb is a tracepoint here: its stack is taken
    for (const char* flag : {"--kprobe", "--kretprobe"}) {
        EXPECT_EQ(run_tool({flag, "ip_rcv", "--duration", "0.5"}, nullptr, &err), 1) << err;
        EXPECT_NE(err.find(std::string(flag) + ": this kernel has no kprobe_events"),
                  std::string::npos)
            << err;
    }
}

TEST_F(TrustLive, TraceStackAtATracepointGivesItsCallchain) {
    if (kernel_has_kprobes()) GTEST_SKIP() << "the guest tests cover kprobe kernels";
    NetnsPair ns("stk");
    int port = 7900 + static_cast<int>(::getpid() % 90);
    ToolRun run({"-t", "link-in,life", "--trace-stack", "kfree_skb", "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    udp_send(ns.a(), NetnsPair::kAddrB, port, 1);
    usleep(500'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    bool stack = false;
    for (const auto& line : parse_json_lines(run.stdout_text())) {
        if (line.value("type", "") != "packet") continue;
        for (const auto& event : line["events"])
            if (event.value("func", "") == "skb:kfree_skb" && event.contains("stack") &&
                !event["stack"].empty())
                stack = true;
    }
    EXPECT_TRUE(stack) << run.stdout_text() << run.stderr_text();
}

// Every field of every event, packet and drop object: absent or meaningful, never "" or 0
// standing for "unknown".
void expect_no_placeholders(const nlohmann::json& object, const std::string& where) {
    for (const char* key : {"dev", "comm", "location", "l4", "saddr", "daddr", "reason", "func",
                            "proto", "pkt_type", "skb", "sk", "state"})
        if (object.contains(key) && object[key].is_string()) {
            auto text = object[key].get<std::string>();
            EXPECT_FALSE(text.empty() || text == "-" || text == "0x0")
                << where << ": \"" << key << "\":\"" << text << "\" in " << object;
        }
    for (const char* key : {"ifindex", "netns", "len"}) {
        if (object.contains(key)) {
            EXPECT_GT(object[key].get<int64_t>(), 0) << where << ": " << key;
        }
    }
    if (object.contains("ifindex")) {
        EXPECT_TRUE(object.contains("dev")) << where << object;
    }
    if (object.value("l4", "") != "TCP") {
        for (const char* key : {"tcp_flags", "seq", "ack"}) EXPECT_FALSE(object.contains(key));
    }
    if (object.contains("icmp_id")) {
        EXPECT_TRUE(object["icmp_type"] == 0 || object["icmp_type"] == 8 ||
                    object["icmp_type"] == 128 || object["icmp_type"] == 129)
            << where << object;
    }
}

TEST_F(TrustLive, PathJsonHasNoPlaceholderFields) {
    NetnsPair ns("json");
    ToolRun run({"-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    ping(ns.a(), NetnsPair::kAddrB);
    udp_send(ns.a(), NetnsPair::kAddrB, 7999, 1);  // closed: a port unreachable comes back
    usleep(500'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    int events = 0;
    for (const auto& line : parse_json_lines(run.stdout_text())) {
        auto type = line.value("type", "");
        if (type == "event") {
            expect_no_placeholders(line, "event");
            ++events;
        }
        if (type != "packet") continue;
        EXPECT_NE(line.value("skb", ""), "0x0");
        for (const auto& event : line["events"]) {
            expect_no_placeholders(event, "packet event");
            ++events;
        }
    }
    EXPECT_GT(events, 3) << run.stdout_text();
}

TEST_F(TrustLive, DropJsonHasNoPlaceholderFields) {
    NetnsPair ns("djson");
    ToolRun run({"--drop", "--drop-stack", "-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    udp_send(ns.a(), NetnsPair::kAddrB, 7998, 2);
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7997);
    usleep(500'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    int drops = 0;
    for (const auto& line : parse_json_lines(run.stdout_text())) {
        if (line.value("type", "") != "drop") continue;
        expect_no_placeholders(line, "drop");
        for (const auto& frame : line["stack"]) EXPECT_FALSE(frame.get<std::string>().empty());
        ++drops;
    }
    EXPECT_GE(drops, 2) << run.stdout_text();
}

}  // namespace
}  // namespace ftnt::test
