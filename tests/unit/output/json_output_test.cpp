#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "unit/output/captured_sink.h"

#include "output/output.h"

namespace ftnt {
namespace {

TEST(JsonOutput, DropObjectHasTheDocumentedKeys) {
    CapturedSink out;
    auto json = make_output(OutputFormat::json, out.sink, {});
    DropEvent e;
    e.time_ns = 153'534'182'000;
    e.cpu = 1;
    e.tid = 42;
    e.skb = 0xffff888100001000;
    PacketTuple t;
    t.family = 4;
    t.saddr = {192, 0, 2, 1};
    t.daddr = {192, 0, 2, 2};
    t.sport = 40000;
    t.dport = 9;
    t.has_ports = true;
    t.l4 = "TCP";
    e.tuple = t;
    DropView v{&e, "nc \"x\"", "IPv4", std::string("NO_SOCKET"), "tcp_v4_rcv+0x91", {}, {}};
    json->drop(v);
    EXPECT_EQ(out.str(),
              "{\"type\":\"drop\",\"ts\":153.534182,\"cpu\":1,\"pid\":42,\"comm\":\"nc \\\"x\\\"\","
              "\"proto\":\"IPv4\",\"reason\":\"NO_SOCKET\",\"location\":\"tcp_v4_rcv+0x91\","
              "\"skb\":\"0xffff888100001000\",\"saddr\":\"192.0.2.1\",\"daddr\":\"192.0.2.2\","
              "\"sport\":40000,\"dport\":9,\"l4\":\"TCP\"}\n");
}

TEST(JsonOutput, NoReasonIsNullAndStackIsAnArray) {
    CapturedSink out;
    auto json = make_output(OutputFormat::json, out.sink, {});
    DropEvent e;
    e.stack = {1, 2};
    DropView v{&e, "x", "IPv6", std::nullopt, "f+0x1", {}, {"a+0x1", "b+0x2"}};
    json->drop(v);
    EXPECT_NE(out.str().find("\"reason\":null"), std::string::npos);
    EXPECT_NE(out.str().find("\"stack\":[\"a+0x1\",\"b+0x2\"]"), std::string::npos);
}

TEST(JsonOutput, SummaryAndLost) {
    CapturedSink out;
    auto json = make_output(OutputFormat::json, out.sink, {});
    DropSummary s;
    s.add("NO_SOCKET", "f+0x1", 3);
    json->summary(s, 5, 2.0, true);
    json->lost(1, 7, 1'000'000);
    EXPECT_EQ(out.str(),
              "{\"type\":\"summary\",\"final\":true,\"total\":3,\"lost\":5,\"seconds\":2,"
              "\"drops\":[{\"reason\":\"NO_SOCKET\",\"location\":\"f+0x1\",\"count\":3}]}\n"
              "{\"type\":\"lost\",\"ts\":0.001000,\"cpu\":1,\"lost\":7}\n");
}

// Before 5.17 a row's reason is the one its location stands for: marked, as a drop record is.
TEST(JsonOutput, ASummaryRowWithAnInferredReasonSaysSo) {
    CapturedSink out;
    auto json = make_output(OutputFormat::json, out.sink, {});
    DropSummary s;
    s.add("NO_SOCKET", "__udp4_lib_rcv+0x992", 3, "", true);
    s.add("", "kfree_skb_list+0x12", 1);
    json->summary(s, 0, 1.0, true);
    auto parsed = nlohmann::json::parse(out.str());
    const auto& rows = parsed.at("drops");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].at("reason"), "NO_SOCKET");
    EXPECT_EQ(rows[0].at("reason_inferred"), true);
    EXPECT_TRUE(rows[1].at("reason").is_null());
    EXPECT_FALSE(rows[1].contains("reason_inferred"));
}

}  // namespace
}  // namespace ftnt
