#include "output/append.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <charconv>

namespace ftnt {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void append_byte_escape(std::string& out, unsigned char byte) {
    out += "\\x";
    out += kHexDigits[byte >> 4];
    out += kHexDigits[byte & 0xf];
}

// Bytes copied as they are: printable ASCII but the escape character.
bool plain_text(unsigned char c) {
    return c >= 0x20 && c < 0x7f && c != '\\';
}
bool plain_json(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

template <typename T>
void append_chars(std::string& out, T value) {
    char text[32];
    auto result = std::to_chars(text, text + sizeof text, value);
    out.append(text, static_cast<std::size_t>(result.ptr - text));
}

}  // namespace

void append_uint(std::string& out, uint64_t value) {
    append_chars(out, value);
}

void append_int(std::string& out, int64_t value) {
    append_chars(out, value);
}

void append_hex(std::string& out, uint64_t value) {
    char text[24];
    auto result = std::to_chars(text, text + sizeof text, value, 16);
    out += "0x";
    out.append(text, static_cast<std::size_t>(result.ptr - text));
}

void append_seconds(std::string& out, uint64_t ns) {
    append_chars(out, ns / 1'000'000'000);
    char micros[6];
    uint64_t rest = ns % 1'000'000'000 / 1000;
    for (int i = 5; i >= 0; --i, rest /= 10) micros[i] = static_cast<char>('0' + rest % 10);
    out += '.';
    out.append(micros, sizeof micros);
}

void append_ip(std::string& out, int family, const std::array<uint8_t, 16>& address) {
    if (family != 6) {  // inet_ntop's IPv4 text without its sprintf
        for (int i = 0; i < 4; ++i) {
            if (i) out += '.';
            append_chars(out, address[static_cast<std::size_t>(i)]);
        }
        return;
    }
    char text[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET6, address.data(), text, sizeof text);
    out += text;
}

void append_endpoint(std::string& out, int family, const std::array<uint8_t, 16>& address,
                     uint16_t port, bool has_port) {
    if (has_port && family == 6) out += '[';
    append_ip(out, family, address);
    if (!has_port) return;
    if (family == 6) out += ']';
    out += ':';
    append_chars(out, port);
}

void append_fixed(std::string& out, double value, int digits) {
    char text[64];
    auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, digits);
    out.append(text, static_cast<std::size_t>(result.ptr - text));
}

void append_double(std::string& out, double value) {
    char text[64];
    auto result = std::to_chars(text, text + sizeof text, value, std::chars_format::general, 6);
    out.append(text, static_cast<std::size_t>(result.ptr - text));
}

void append_left(std::string& out, std::string_view text, std::size_t width) {
    out += text;
    if (text.size() < width) out.append(width - text.size(), ' ');
}

void append_right(std::string& out, std::string_view text, std::size_t width) {
    if (text.size() < width) out.append(width - text.size(), ' ');
    out += text;
}

std::size_t utf8_sequence_length(std::string_view text) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
    unsigned char lead = byte(0);
    if (lead < 0x80) return 1;
    std::size_t length = lead >= 0xc2 && lead <= 0xdf   ? 2
                         : lead >= 0xe0 && lead <= 0xef ? 3
                         : lead >= 0xf0 && lead <= 0xf4 ? 4
                                                        : 0;
    if (length == 0 || text.size() < length) return 0;
    for (std::size_t i = 1; i < length; ++i)
        if ((byte(i) & 0xc0) != 0x80) return 0;
    unsigned char second = byte(1);
    if (lead == 0xe0 && second < 0xa0) return 0;  // overlong
    if (lead == 0xed && second > 0x9f) return 0;  // surrogates
    if (lead == 0xf0 && second < 0x90) return 0;  // overlong
    if (lead == 0xf4 && second > 0x8f) return 0;  // above U+10FFFF
    return length;
}

void append_text_line(std::string& out, std::string_view line) {
    for (std::size_t i = 0; i < line.size();) {
        std::size_t plain = i;
        while (plain < line.size() && plain_text(static_cast<unsigned char>(line[plain]))) ++plain;
        if (plain > i) {  // the usual case: the whole line at once
            out.append(line.data() + i, plain - i);
            i = plain;
            continue;
        }
        auto c = static_cast<unsigned char>(line[i]);
        switch (c) {
            case '\\':
                out += "\\\\";
                ++i;
                continue;
            case '\n':
                out += "\\n";
                ++i;
                continue;
            case '\t':
                out += "\\t";
                ++i;
                continue;
            case '\r':
                out += "\\r";
                ++i;
                continue;
            default:
                break;
        }
        std::size_t length = c < 0x80 ? 0 : utf8_sequence_length(line.substr(i));
        // C1 controls (U+0080..U+009F, 0xc2 0x80..0x9f) start terminal sequences too.
        bool c1 = length == 2 && c == 0xc2 && static_cast<unsigned char>(line[i + 1]) < 0xa0;
        if (length == 0 || c1) {
            for (std::size_t k = 0; k < (c1 ? 2 : 1); ++k)
                append_byte_escape(out, static_cast<unsigned char>(line[i + k]));
            i += c1 ? 2 : 1;
            continue;
        }
        out.append(line.substr(i, length));
        i += length;
    }
    out += '\n';
}

void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    for (std::size_t i = 0; i < text.size();) {
        std::size_t plain = i;
        while (plain < text.size() && plain_json(static_cast<unsigned char>(text[plain]))) ++plain;
        if (plain > i) {
            out.append(text.data() + i, plain - i);
            i = plain;
            continue;
        }
        auto c = static_cast<unsigned char>(text[i]);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += kHexDigits[c >> 4];
                    out += kHexDigits[c & 0xf];
                } else if (std::size_t length = utf8_sequence_length(text.substr(i))) {
                    out.append(text.substr(i, length));
                    i += length;
                    continue;
                } else {
                    out += "\\ufffd";
                }
        }
        ++i;
    }
    out += '"';
}

}  // namespace ftnt
