#include "output/json_writer.h"

#include <cstdio>

namespace ftnt {

void write_json_string(std::ostream& out, std::string_view text) {
    out << '"';
    for (char c : text) {
        switch (c) {
            case '"':
                out << "\\\"";
                break;
            case '\\':
                out << "\\\\";
                break;
            case '\n':
                out << "\\n";
                break;
            case '\t':
                out << "\\t";
                break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char escaped[8];
                    std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
                    out << escaped;
                } else {
                    out << c;
                }
        }
    }
    out << '"';
}

std::string hex_string(uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

JsonObject::JsonObject(std::ostream& out) : out_(out) {
    out_ << '{';
}
JsonObject::~JsonObject() {
    out_ << "}\n";
}

void JsonObject::key(std::string_view name) {
    if (!first_) out_ << ',';
    first_ = false;
    write_json_string(out_, name);
    out_ << ':';
}

JsonObject& JsonObject::field(std::string_view name, std::string_view value) {
    key(name);
    write_json_string(out_, value);
    return *this;
}

JsonObject& JsonObject::field(std::string_view name, uint64_t value) {
    key(name);
    out_ << value;
    return *this;
}

JsonObject& JsonObject::field_seconds(std::string_view name, uint64_t ns) {
    key(name);
    char text[32];
    std::snprintf(text, sizeof text, "%llu.%06llu",
                  static_cast<unsigned long long>(ns / 1000000000),
                  static_cast<unsigned long long>(ns % 1000000000 / 1000));
    out_ << text;
    return *this;
}

JsonObject& JsonObject::flag(std::string_view name, bool value) {
    key(name);
    out_ << (value ? "true" : "false");
    return *this;
}

JsonObject& JsonObject::null_field(std::string_view name) {
    key(name);
    out_ << "null";
    return *this;
}

JsonObject& JsonObject::field(std::string_view name, const std::vector<std::string>& values) {
    key(name);
    out_ << '[';
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i) out_ << ',';
        write_json_string(out_, values[i]);
    }
    out_ << ']';
    return *this;
}

std::ostream& JsonObject::raw_field(std::string_view name) {
    key(name);
    return out_;
}

}  // namespace ftnt
