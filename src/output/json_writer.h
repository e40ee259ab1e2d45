// A minimal writer of one JSON object per line, into a record being built.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ftnt {

class JsonObject {
  public:
    explicit JsonObject(std::string& out);
    ~JsonObject();  // writes "}\n" (or "}" for an object nested in an array)
    JsonObject(const JsonObject&) = delete;
    JsonObject& operator=(const JsonObject&) = delete;

    JsonObject& field(std::string_view key, std::string_view value);
    JsonObject& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    JsonObject& field(std::string_view key, const std::string& value) {
        return field(key, std::string_view(value));
    }
    JsonObject& field(std::string_view key, uint64_t value);  // exact, up to 2^64-1
    JsonObject& signed_field(std::string_view key, int64_t value);
    // Shortest round-trip text (std::to_chars); NaN and infinities as null.
    JsonObject& number_field(std::string_view key, double value);
    JsonObject& field_seconds(std::string_view key, uint64_t ns);
    JsonObject& null_field(std::string_view key);
    JsonObject& flag(std::string_view key, bool value);
    JsonObject& field(std::string_view key, const std::vector<std::string>& values);
    // Writes a key whose value the caller appends raw (a nested array of objects).
    std::string& raw_field(std::string_view key);
    // Ends the object without the newline (an element of an array).
    void nested() { line_ = false; }

  private:
    void key(std::string_view name);
    std::string& out_;
    bool first_ = true;
    bool line_ = true;
};

// A JSON array of `count` objects, the i-th written by fill(object, i).
template <typename Fill>
void write_object_array(std::string& out, std::size_t count, Fill&& fill) {
    out += '[';
    for (std::size_t i = 0; i < count; ++i) {
        if (i) out += ',';
        JsonObject object(out);
        object.nested();
        fill(object, i);
    }
    out += ']';
}

// "0xffff888100001000"
std::string hex_string(uint64_t value);

}  // namespace ftnt
