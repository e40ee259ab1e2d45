// Format files are checked for shape before libtraceevent parses them: the fuzz suite found
// malformed formats on which libtraceevent 1.7 crashes (each case below is a recorded format
// of tests/fixtures with the one change the fuzzer made).
#include "discover/event_formats.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "unit/fixture_file.h"

namespace ftnt {
namespace {

std::string changed(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

TEST(EventFormatShape, RecordedFormatsPass) {
    for (const char* name :
         {"kernel-6.1/tcp_tcp_receive_reset.format", "kernel-6.18/skb_kfree_skb.format",
          "kernel-5.10/skb_kfree_skb.format", "kernel-6.1/tcp_tcp_send_reset.format",
          "kernel-6.1/kprobe_ip_rcv.format", "kernel-6.1/kprobe_ip_rcv_arrays.format",
          "kernel-6.1/kprobe_nf_hook_slow.format"})
        EXPECT_TRUE(format_shape_ok(test::fixture(name))) << name;
}

TEST(EventFormatShape, MalformedFormatsAreRefusedBeforeLibtraceevent) {
    auto reset = test::fixture("kernel-6.1/tcp_tcp_receive_reset.format");
    for (const auto& bad :
         {changed(reset, "REC->family,", "REC->famil9,"),
          changed(reset, "daddr_v6[16]", "daddr_v6[6]"),
          changed(reset, "{ 10, \"AF_INET6\" }", "{ 10, \"AF_INET6\" \n}"),
          changed(reset, "__print_symbolic(", "__print_symbolic(("),
          changed(reset, "sport=%hu", "sport=%hu%!"),
          changed(reset, "offset:8;\tsize:8;", "offset:8;\tsize:%8;"),
          changed(reset, "sport=%hu", "sport=%q"),
          changed(reset, "REC->sport, REC->dport", "REC->sport /REC->dport"),
          changed(reset, "{ 10, \"AF_INET6\" }", "{ 10;\tsize:16, \"AF_INET6\" }"),
          reset.substr(0, reset.find("print fmt")), std::string()}) {
        EXPECT_FALSE(format_shape_ok(bad)) << bad;
        EventFormats formats;
        EXPECT_THROW(formats.parse(bad, "tcp"), std::runtime_error);
    }
}

// Found by the fuzz suite (seeds 60, 79, 202, 248, 284, 292 on 2026-11-27), each crashing
// libtraceevent 1.7 with SIGSEGV after passing the older shape check: a '[' left open in a
// field's declaration (five seeds), and an operator after the "else" branch of a ?: in the
// print fmt (seed 79). The first is refused; the second never reaches libtraceevent, which
// is given only the print fmt's symbol tables.
TEST(EventFormatShape, CrashesFoundByTheFuzzerNeverReachLibtraceevent) {
    auto reset = test::fixture("kernel-6.18/tcp_tcp_send_reset.format");
    for (const auto& bad :
         {changed(reset, "void * skaddr;", "void * skaddr[;"),
          changed(reset, "void * skbaddr;", "v[oid * skbaddr;"),
          changed(reset, "saddr[28]", "saddr[28"), changed(reset, "saddr[28]", "saddr[2x]")}) {
        EXPECT_FALSE(format_shape_ok(bad)) << bad;
        EventFormats formats;
        EXPECT_THROW(formats.parse(bad, "tcp"), std::runtime_error);
    }
    auto operator_after_else = changed(reset, "\"UNKNOWN\", __print", "\"UNKNOWN\". __print");
    auto reduced = reduced_format(operator_after_else);
    ASSERT_TRUE(reduced);
    EXPECT_EQ(reduced->find("UNKNOWN"), std::string::npos) << *reduced;
    EventFormats formats;
    EXPECT_NE(formats.parse(operator_after_else, "tcp"), nullptr);
}

TEST(EventFormatShape, KprobeFormatKeepsItsFetchargFields) {
    EventFormats formats;
    auto* event =
        formats.parse(test::fixture("kernel-6.1/kprobe_ip_rcv_arrays.format"), "ftnttest");
    ASSERT_NE(event, nullptr);
    for (const char* name : {"__probe_ip", "skb", "len", "dev", "saddr", "s"})
        EXPECT_TRUE(FieldRef(event, name)) << name;
    EXPECT_EQ(FieldRef(event, "saddr").size(), 4u);
    EXPECT_EQ(FieldRef(event, "dev").offset(), 28u);
}

TEST(EventFormatShape, LibtraceeventGetsTheFieldsAndTheNumericSymbolTablesOnly) {
    auto text = test::fixture("kernel-6.18/skb_kfree_skb.format");
    auto reduced = reduced_format(text);
    ASSERT_TRUE(reduced);
    EXPECT_EQ(reduced->substr(0, reduced->find("print fmt: ")),
              text.substr(0, text.find("print fmt: ")));
    EXPECT_TRUE(reduced->find("print fmt: \"%s\", __print_symbolic(REC->reason, { 2, "
                              "\"NOT_SPECIFIED\" }, { 3, \"NO_SOCKET\" }") != std::string::npos)
        << *reduced;
    EXPECT_EQ(reduced->find("REC->skbaddr"), std::string::npos);
    // tcp_send_reset's tables: TCP states are names (not kept), reasons are numbers.
    auto reset = reduced_format(test::fixture("kernel-6.18/tcp_tcp_send_reset.format"));
    ASSERT_TRUE(reset);
    EXPECT_EQ(reset->find("TCP_LISTEN"), std::string::npos) << *reset;
    EXPECT_NE(reset->find("__print_symbolic(REC->reason, { 0, \"NOT_SPECIFIED\" }"),
              std::string::npos)
        << *reset;
}

}  // namespace
}  // namespace ftnt
