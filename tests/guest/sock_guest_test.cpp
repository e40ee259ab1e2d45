// --sock on kernels with kprobes: the catalog's socket functions (kprobe-defs/sock.def) read
// the tuple, netns, state, srtt, cwnd and retransmits from the socket at BTF offsets. The
// kernel's own inet_sock_set_state tracepoint, in the same run, is the reference for the
// states tcp_set_state's kprobe reads.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

using Change = std::pair<std::string, std::string>;

class SockGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        port_ = 23000 + static_cast<int>(::getpid() % 5000);
    }
    // The state changes `source` showed of a's socket to b's port, in order.
    std::vector<nlohmann::json> client_changes(const std::vector<nlohmann::json>& objects,
                                               const std::string& source) const {
        std::vector<nlohmann::json> out;
        for (const auto& r : of_type(objects, "sock"))
            if (r.value("source", "") == source && r.contains("old_state") &&
                r.value("daddr", "") == NetnsPair::kAddrB && r.value("dport", 0) == port_)
                out.push_back(r);
        return out;
    }
    static std::vector<Change> changes(const std::vector<nlohmann::json>& records) {
        std::vector<Change> out;
        for (const auto& r : records)
            out.emplace_back(r.value("old_state", ""), r.value("state", ""));
        return out;
    }
    int port_ = 0;
};

uint64_t netns_inode(const std::string& name) {
    struct stat st {};
    return ::stat(("/run/netns/" + name).c_str(), &st) == 0 ? st.st_ino : 0;
}

TEST_F(SockGuest, TcpSetStateShowsTheSessionsChangesWithSrttCwndAndNetns) {
    NetnsPair ns("gss");
    auto objects =
        run({"--sock", "-t", "tcp_set_state,sock:inet_sock_set_state", "-P", std::to_string(port_)},
            [&] { tcp_session(ns.b(), ns.a(), NetnsPair::kAddrB, port_, 2); });
    auto by_kprobe = client_changes(objects, "tcp_set_state");
    auto by_tracepoint = client_changes(objects, "sock:inet_sock_set_state");
    ASSERT_GE(by_kprobe.size(), 3u) << dump(objects) << stderr_;
    EXPECT_EQ(changes(by_kprobe)[0], Change("TCP_CLOSE", "TCP_SYN_SENT"));
    EXPECT_EQ(changes(by_kprobe)[1], Change("TCP_SYN_SENT", "TCP_ESTABLISHED"));
    // tcp_session's server may close first: the client then leaves for CLOSE_WAIT.
    EXPECT_EQ(changes(by_kprobe)[2].first, "TCP_ESTABLISHED");
    EXPECT_TRUE(changes(by_kprobe)[2].second == "TCP_FIN_WAIT1" ||
                changes(by_kprobe)[2].second == "TCP_CLOSE_WAIT")
        << by_kprobe[2];
    // The kernel's own tracepoint (raised inside tcp_set_state) saw the same changes.
    EXPECT_EQ(changes(by_kprobe), changes(by_tracepoint));
    // At the close: two exchanges gave RTT samples; the window is open; nothing retransmitted.
    const auto& closing = by_kprobe[2];
    EXPECT_GT(closing.value("srtt_us", uint64_t{0}), 0u) << closing;
    EXPECT_GT(closing.value("snd_cwnd", uint64_t{0}), 0u) << closing;
    EXPECT_EQ(closing.value("retransmits", uint64_t{99}), 0u) << closing;
    EXPECT_EQ(closing.value("netns", uint64_t{0}), netns_inode(ns.a())) << closing;
    EXPECT_EQ(closing.value("saddr", ""), NetnsPair::kAddrA) << closing;
}

TEST_F(SockGuest, NetnsKeepsOneNamespacesSocketsTracepointsIncluded) {
    NetnsPair ns("gsn");
    auto objects = run({"--sock", "--netns", ns.a(), "-P", std::to_string(port_)},
                       [&] { tcp_session(ns.b(), ns.a(), NetnsPair::kAddrB, port_, 1); });
    auto records = of_type(objects, "sock");
    ASSERT_FALSE(records.empty()) << dump(objects) << stderr_;
    bool tracepoint = false;
    for (const auto& r : records) {
        // Only a's socket: the client's end is a's address (b's server never shows).
        EXPECT_TRUE(r.value("saddr", "") == NetnsPair::kAddrA ||
                    r.value("daddr", "") == NetnsPair::kAddrB)
            << r;
        EXPECT_NE(r.value("sport", 0), port_) << "b's server socket: " << r;
        if (r.contains("netns")) {
            EXPECT_EQ(r.value("netns", uint64_t{0}), netns_inode(ns.a())) << r;
        }
        tracepoint = tracepoint || r.value("source", "").find(':') != std::string::npos;
    }
    EXPECT_TRUE(tracepoint) << "a tracepoint event of a's socket: " << dump(objects);
}

TEST_F(SockGuest, TcpRttSamplesComeFromTcpAckUpdateRtt) {
    NetnsPair ns("gsr");
    auto objects = run(
        {"--sock", "-t", "tcp_ack_update_rtt", "--tcp-rtt", "0.001", "-P", std::to_string(port_)},
        [&] { tcp_session(ns.b(), ns.a(), NetnsPair::kAddrB, port_, 2); });
    if (stderr_.find("skipped tcp_ack_update_rtt") != std::string::npos)
        GTEST_SKIP() << "tcp_ack_update_rtt is not probeable here: " << stderr_;
    auto records = of_type(objects, "sock");
    ASSERT_FALSE(records.empty()) << dump(objects) << stderr_;
    for (const auto& r : records) {
        EXPECT_EQ(r.value("source", ""), "tcp_ack_update_rtt") << r;
        EXPECT_GE(r.value("rtt_us", int64_t{-1}), 1) << r;
    }
    EXPECT_NE(stderr_.find("rtt >= 1"), std::string::npos) << "in the kernel: " << stderr_;
}

}  // namespace
}  // namespace ftnt::test
