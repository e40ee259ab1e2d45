#include "output/append.h"

#include <gtest/gtest.h>

#include <array>

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

TEST(Append, SecondsHaveSixDigitsAfterThePoint) {
    std::string out;
    append_seconds(out, 153'534'182'999ull);
    out += ' ';
    append_seconds(out, 7'000'001'000ull);
    out += ' ';
    append_seconds(out, 0);
    EXPECT_EQ(out, "153.534182 7.000001 0.000000");
}

// The text inet_ntop gives, for IPv4 without it; IPv6 in brackets only beside a port.
TEST(Append, AddressesAndEndpoints) {
    std::array<uint8_t, 16> v4 = {192, 0, 2, 255};
    std::array<uint8_t, 16> zero = {};
    std::array<uint8_t, 16> widest = {255, 255, 255, 255};
    std::array<uint8_t, 16> v6 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    std::string out;
    append_ip(out, 4, v4);
    out += ' ';
    append_ip(out, 4, zero);
    out += ' ';
    append_ip(out, 4, widest);
    out += ' ';
    append_endpoint(out, 4, v4, 65535, true);
    out += ' ';
    append_endpoint(out, 6, v6, 80, true);
    out += ' ';
    append_endpoint(out, 6, v6, 0, false);
    EXPECT_EQ(out,
              "192.0.2.255 0.0.0.0 255.255.255.255 192.0.2.255:65535 [2001:db8::1]:80 2001:db8::1");
}

// Plain runs are copied at once; the escapes between and after them stay where they were.
TEST(Append, EscapesBetweenLongPlainRuns) {
    std::string plain(300, 'a');
    std::string text;
    append_text_line(text, plain + "\\" + plain + "\x01" + plain);
    EXPECT_EQ(text, plain + "\\\\" + plain + "\\x01" + plain + "\n");
    std::string json;
    append_json_string(json, plain + "\"" + plain + "\n");
    EXPECT_EQ(json, "\"" + plain + "\\\"" + plain + "\\n\"");
}

}  // namespace
}  // namespace ftnt
