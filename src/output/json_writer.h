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
    JsonObject& field(std::string_view key, uint64_t value);      // exact, up to 2^64-1
    JsonObject& hex_field(std::string_view key, uint64_t value);  // "0xffff888100001000"
    JsonObject& signed_field(std::string_view key, int64_t value);
    // Shortest round-trip text (std::to_chars); NaN and infinities as null.
    JsonObject& number_field(std::string_view key, double value);
    JsonObject& field_seconds(std::string_view key, uint64_t ns);
    JsonObject& null_field(std::string_view key);
    JsonObject& flag(std::string_view key, bool value);
    // An array of strings.
    JsonObject& field(std::string_view key, const std::vector<std::string>& values);
    // An array of `count` objects, the i-th written by fill(object, i).
    template <typename Fill>
    JsonObject& objects(std::string_view name, std::size_t count, Fill&& fill) {
        return array(name, count, [&](std::size_t i) {
            JsonObject object(out_);
            object.line_ = false;
            fill(object, i);
        });
    }

  private:
    void key(std::string_view name);
    // The one array writer: `count` elements, the i-th appended to the record by element(i).
    template <typename Element>
    JsonObject& array(std::string_view name, std::size_t count, Element&& element) {
        key(name);
        out_ += '[';
        for (std::size_t i = 0; i < count; ++i) {
            if (i) out_ += ',';
            element(i);
        }
        out_ += ']';
        return *this;
    }
    std::string& out_;
    bool first_ = true;
    bool line_ = true;
};

// "0xffff888100001000"
std::string hex_string(uint64_t value);

}  // namespace ftnt
