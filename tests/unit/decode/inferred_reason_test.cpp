// The reasons drop locations stand for on kernels before 5.17, read from the shipped catalog
// (kprobe-defs/drop-locations.def); the locations are those the 5.10 guest printed
// (tests/fixtures/kernel-5.10).
#include "decode/inferred_reason.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/errors.h"
#include "output/output.h"
#include "plan/drop_locations.h"
#include "unit/output/captured_sink.h"

namespace ftnt {
namespace {

InferredReasons shipped() {
    Catalog catalog;
    catalog.load_directory(FTNT_CATALOG);
    return InferredReasons(drop_location_reasons(catalog));
}

TEST(InferredReasons, ShippedTableNamesTheClassicDropLocations) {
    auto table = shipped();
    EXPECT_EQ(table.at("tcp_v4_rcv+0x91"), "NO_SOCKET");
    EXPECT_EQ(table.at("tcp_v6_rcv+0x5a3/0xd90"), "NO_SOCKET");
    EXPECT_EQ(table.at("__udp4_lib_rcv+0x4bc"), "NO_SOCKET");
    EXPECT_EQ(table.at("__udp6_lib_rcv+0x1f0"), "NO_SOCKET");
    EXPECT_EQ(table.at("nf_hook_slow+0x7d"), "NETFILTER_DROP");
}

TEST(InferredReasons, OtherLocationsAndRawAddressesHaveNone) {
    auto table = shipped();
    EXPECT_FALSE(table.at("ip_rcv_core+0x1a0"));
    EXPECT_FALSE(table.at("tcp_v4_rcv_extra+0x1"));  // the whole name, not a prefix
    EXPECT_FALSE(table.at("0xffffffff81a3c4d1"));
    EXPECT_FALSE(table.at(""));
}

TEST(InferredReasons, EntryWithoutReasonIsAnError) {
    // The catalog refuses it when it loads, before any run reads it.
    Catalog catalog;
    EXPECT_THROW(catalog.load_text("[drop_location tcp_v4_rcv]\nabout = x\n", "user.def"),
                 UsageError);
}

TEST(InferredReasons, DropOutputMarksTheReasonAsInferred) {
    DropEvent e;
    DropView v{&e, "x", "IPv4", std::string("NO_SOCKET"), "tcp_v4_rcv+0x91", {}, {}};
    v.reason_inferred = true;
    CapturedSink text, json;
    make_output(OutputFormat::text, text.sink, {})->drop(v);
    make_output(OutputFormat::json, json.sink, {})->drop(v);
    EXPECT_NE(text.str().find(" reason NO_SOCKET (inferred) at tcp_v4_rcv+0x91 "),
              std::string::npos)
        << text.str();
    auto object = nlohmann::json::parse(json.str());
    EXPECT_EQ(object["reason"], "NO_SOCKET");
    EXPECT_EQ(object["reason_inferred"], true);
}

}  // namespace
}  // namespace ftnt
