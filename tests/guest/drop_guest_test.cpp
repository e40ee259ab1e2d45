// --drop on the guest kernels: the reason the kernel gives, or (before 5.17, no reason field in
// skb:kfree_skb) the reason the drop's location stands for, marked as inferred.
#include <gtest/gtest.h>
#include <signal.h>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

class DropGuest : public PathGuest {
  protected:
    // --drop -o json around the traffic; the drop objects whose location starts with `where`.
    std::vector<nlohmann::json> drops_at(const std::string& where,
                                         const std::function<void()>& traffic) {
        ToolRun tool({"--drop", "-o", "json"});
        EXPECT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
        traffic();
        usleep(1'500'000);
        EXPECT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
        stderr_ = tool.stderr_text();
        all_ = parse_json_lines(tool.stdout_text());
        std::vector<nlohmann::json> found;
        for (const auto& drop : of_type(all_, "drop"))
            if (drop.value("location", "").starts_with(where)) found.push_back(drop);
        return found;
    }
    // The reason as the kernel tells it, or as inferred where it cannot.
    void expect_reason(const std::vector<nlohmann::json>& drops, const std::string& reason) {
        ASSERT_FALSE(drops.empty()) << dump(all_) << stderr_;
        bool inferred = !kfree_skb_has_reason();
        for (const auto& drop : drops) {
            EXPECT_EQ(drop.value("reason", nlohmann::json()), reason) << drop.dump();
            EXPECT_EQ(drop.value("reason_inferred", false), inferred) << drop.dump();
        }
    }
    std::vector<nlohmann::json> all_;
};

TEST_F(DropGuest, ClosedTcpPortIsNoSocketAtTcpV4Rcv) {
    NetnsPair ns("dtcp");
    auto drops = drops_at("tcp_v4_rcv+", [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7130); });
    expect_reason(drops, "NO_SOCKET");
}

TEST_F(DropGuest, ClosedUdpPortIsNoSocketAtUdpRcv) {
    NetnsPair ns("dudp");
    auto drops = drops_at("__udp4_lib_rcv+", [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7131, 1); });
    expect_reason(drops, "NO_SOCKET");
}

TEST_F(DropGuest, IptablesDropIsNetfilterDropAtNfHookSlow) {
    NetnsPair ns("dipt");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7132 -j DROP"), 0);
    auto drops = drops_at("nf_hook_slow+", [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7132, 1); });
    expect_reason(drops, "NETFILTER_DROP");
}

TEST_F(DropGuest, TextSaysInferredOnlyWhereTheKernelGivesNoReason) {
    NetnsPair ns("dtxt");
    ToolRun tool({"--drop"});
    ASSERT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
    tcp_connect(ns.a(), NetnsPair::kAddrB, 7133);
    usleep(1'500'000);
    ASSERT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
    auto out = tool.stdout_text();
    std::string expected = kfree_skb_has_reason() ? "reason NO_SOCKET at tcp_v4_rcv+"
                                                  : "reason NO_SOCKET (inferred) at tcp_v4_rcv+";
    EXPECT_NE(out.find(expected), std::string::npos) << out << tool.stderr_text();
    EXPECT_EQ(out.find("(inferred)") != std::string::npos, !kfree_skb_has_reason()) << out;
}

// --summary counts in the kernel once a (reason, location) is seen; on a kernel without reasons
// its rows carry the reason the location stands for, marked inferred, as the records do.
TEST_F(DropGuest, SummaryRowsCarryTheReasonOnEveryKernel) {
    NetnsPair ns("dsum");
    constexpr int kDrops = 12;
    ToolRun tool({"--drop", "--summary", "-o", "json"});
    ASSERT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
    udp_send(ns.a(), NetnsPair::kAddrB, 7134, kDrops);
    usleep(1'500'000);
    ASSERT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
    auto summaries = of_type(parse_json_lines(tool.stdout_text()), "summary");
    ASSERT_FALSE(summaries.empty()) << tool.stdout_text() << tool.stderr_text();
    bool inferred = !kfree_skb_has_reason();
    uint64_t at_udp = 0;
    for (const auto& row : summaries.back().value("drops", nlohmann::json::array())) {
        if (!row.value("location", "").starts_with("__udp4_lib_rcv+")) continue;
        EXPECT_EQ(row.value("reason", nlohmann::json()), "NO_SOCKET") << row.dump();
        EXPECT_EQ(row.value("reason_inferred", false), inferred) << row.dump();
        at_udp += row.value("count", uint64_t{0});
    }
    // The guest sends nothing else to a closed UDP port.
    EXPECT_EQ(at_udp, uint64_t{kDrops}) << summaries.back().dump();
}

TEST_F(DropGuest, TextSummarySaysInferredOnlyWhereTheKernelGivesNoReason) {
    NetnsPair ns("dsumt");
    ToolRun tool({"--drop", "--summary"});
    ASSERT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
    udp_send(ns.a(), NetnsPair::kAddrB, 7135, 3);
    usleep(1'500'000);
    ASSERT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
    auto out = tool.stdout_text();
    EXPECT_NE(out.find(kfree_skb_has_reason() ? "NO_SOCKET   " : "NO_SOCKET (inferred)"),
              std::string::npos)
        << out << tool.stderr_text();
    EXPECT_EQ(out.find("(inferred)") != std::string::npos, !kfree_skb_has_reason()) << out;
}

}  // namespace
}  // namespace ftnt::test
