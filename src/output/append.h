// Appending text to a record without iostreams: numbers with std::to_chars, padding, and the
// escaping every kernel-supplied string needs (an unprivileged process names its task, a
// device or a firewall chain as it likes).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ftnt {

void append_uint(std::string& out, uint64_t value);
void append_int(std::string& out, int64_t value);
void append_hex(std::string& out, uint64_t value);  // "0xffff888100001000"
// Nanoseconds as seconds with 6 digits after the point: "153.534182".
void append_seconds(std::string& out, uint64_t ns);
// "192.0.2.1" or "2001:db8::1" (inet_ntop's text); with a port "192.0.2.1:80", "[2001:db8::1]:80".
void append_ip(std::string& out, int family, const std::array<uint8_t, 16>& address);
void append_endpoint(std::string& out, int family, const std::array<uint8_t, 16>& address,
                     uint16_t port, bool has_port);
// `value` with `digits` digits after the point ("2.0", "1631.5").
void append_fixed(std::string& out, double value, int digits);
// "%g"-like shortest form, as JSON numbers are written ("2", "0.25").
void append_double(std::string& out, double value);
// `text` padded with spaces to `width` on the right (left-aligned) or left.
void append_left(std::string& out, std::string_view text, std::size_t width);
void append_right(std::string& out, std::string_view text, std::size_t width);

// One text line: control characters (C0, DEL, C1) as \n \t \r or \xNN, bytes that are not
// UTF-8 as \xNN, a backslash as \\; then '\n'. Valid UTF-8 ("→") is kept.
void append_text_line(std::string& out, std::string_view line);
// A JSON string with its quotes: always valid UTF-8, a byte that is not UTF-8 becomes \ufffd.
void append_json_string(std::string& out, std::string_view text);

// The length of the valid UTF-8 sequence starting at text[0], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF are not valid).
std::size_t utf8_sequence_length(std::string_view text);

}  // namespace ftnt
