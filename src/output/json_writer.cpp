#include "output/json_writer.h"

#include "output/append.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace ftnt {

std::string hex_string(uint64_t value) {
    std::string text;
    append_hex(text, value);
    return text;
}

JsonObject::JsonObject(std::string& out) : out_(out) {
    out_ += '{';
}
JsonObject::~JsonObject() {
    out_ += line_ ? "}\n" : "}";
}

void JsonObject::key(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    // Keys are the formats' own names: copied as they are when nothing needs escaping.
    bool plain = std::all_of(name.begin(), name.end(),
                             [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
    if (plain) {
        out_ += '"';
        out_ += name;
        out_ += "\":";
        return;
    }
    append_json_string(out_, name);
    out_ += ':';
}

JsonObject& JsonObject::field(std::string_view name, std::string_view value) {
    key(name);
    append_json_string(out_, value);
    return *this;
}

JsonObject& JsonObject::field(std::string_view name, uint64_t value) {
    key(name);
    append_uint(out_, value);
    return *this;
}

JsonObject& JsonObject::hex_field(std::string_view name, uint64_t value) {
    key(name);
    out_ += '"';
    append_hex(out_, value);
    out_ += '"';
    return *this;
}

JsonObject& JsonObject::signed_field(std::string_view name, int64_t value) {
    key(name);
    append_int(out_, value);
    return *this;
}

JsonObject& JsonObject::number_field(std::string_view name, double value) {
    key(name);
    if (!std::isfinite(value)) {
        out_ += "null";  // JSON has no NaN nor infinity
        return *this;
    }
    // The shortest text that reads back as the same double.
    char text[32];
    auto result = std::to_chars(text, text + sizeof text, value);
    out_.append(text, static_cast<std::size_t>(result.ptr - text));
    return *this;
}

JsonObject& JsonObject::field_seconds(std::string_view name, uint64_t ns) {
    key(name);
    append_seconds(out_, ns);
    return *this;
}

JsonObject& JsonObject::flag(std::string_view name, bool value) {
    key(name);
    out_ += value ? "true" : "false";
    return *this;
}

JsonObject& JsonObject::null_field(std::string_view name) {
    key(name);
    out_ += "null";
    return *this;
}

JsonObject& JsonObject::field(std::string_view name, const std::vector<std::string>& values) {
    return array(name, values.size(), [&](std::size_t i) { append_json_string(out_, values[i]); });
}

}  // namespace ftnt
