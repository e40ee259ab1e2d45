#include "output/append.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ftnt {
namespace {

// The task name a hostile process can set with prctl(PR_SET_NAME): a quote, a newline, a byte
// that is not UTF-8 and a control character.
const std::string kHostileComm = "q\"\nFAKE\xff\x01";

TEST(Append, JsonStringOfHostileBytesIsValidUtf8Json) {
    std::string out;
    append_json_string(out, kHostileComm);
    EXPECT_EQ(out, "\"q\\\"\\nFAKE\\ufffd\\u0001\"");
    auto parsed = nlohmann::json::parse(out);  // throws on invalid UTF-8
    EXPECT_EQ(parsed.get<std::string>(), "q\"\nFAKE\xef\xbf\xbd\x01");
}

TEST(Append, JsonStringKeepsValidUtf8AndRejectsOverlongAndSurrogates) {
    std::string out;
    append_json_string(out, "→ é \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x86");
    EXPECT_EQ(out,
              "\"→ é \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd \\ufffd\\ufffd\\ufffd\\ufffd "
              "\\ufffd\\ufffd\"");
    EXPECT_TRUE(nlohmann::json::accept(out));
}

TEST(Append, TextLineEscapesControlsAndBytesThatAreNotUtf8) {
    std::string out;
    append_text_line(out, "1.0 cpu0 7/" + kHostileComm + " \\ \x1b[31m \xc2\x9b →");
    EXPECT_EQ(out, "1.0 cpu0 7/q\"\\nFAKE\\xff\\x01 \\\\ \\x1b[31m \\xc2\\x9b →\n");
    EXPECT_EQ(out.find('\n'), out.size() - 1);
}

TEST(Append, Numbers) {
    std::string out;
    append_uint(out, 18446744073709551615ull);
    out += ' ';
    append_int(out, -5);
    out += ' ';
    append_hex(out, 0xffff888100001000ull);
    out += ' ';
    append_fixed(out, 1631.45, 1);
    out += ' ';
    append_double(out, 2.0);
    out += ' ';
    append_double(out, 0.25);
    EXPECT_EQ(out, "18446744073709551615 -5 0xffff888100001000 1631.5 2 0.25");
}

}  // namespace
}  // namespace ftnt
