// Format files are checked for shape before libtraceevent parses them: the fuzz suite found
// malformed formats on which libtraceevent 1.7 crashes (each case below is a recorded format
// of tests/fixtures with the one change the fuzzer made).
#include "decode/event_formats.h"

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
          "kernel-5.10/skb_kfree_skb.format", "kernel-6.1/tcp_tcp_send_reset.format"})
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

}  // namespace
}  // namespace ftnt
