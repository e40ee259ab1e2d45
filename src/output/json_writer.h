// A minimal writer of one JSON object per line.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ftnt {

class JsonObject {
  public:
    explicit JsonObject(std::ostream& out);
    ~JsonObject();  // writes "}\n"
    JsonObject(const JsonObject&) = delete;
    JsonObject& operator=(const JsonObject&) = delete;

    JsonObject& field(std::string_view key, std::string_view value);
    JsonObject& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    JsonObject& field(std::string_view key, uint64_t value);
    JsonObject& field_seconds(std::string_view key, uint64_t ns);
    JsonObject& null_field(std::string_view key);
    JsonObject& flag(std::string_view key, bool value);
    JsonObject& field(std::string_view key, const std::vector<std::string>& values);
    // Writes a key whose value the caller writes raw (a nested array of objects).
    std::ostream& raw_field(std::string_view key);

  private:
    void key(std::string_view name);
    std::ostream& out_;
    bool first_ = true;
};

void write_json_string(std::ostream& out, std::string_view text);
// "0xffff888100001000"
std::string hex_string(uint64_t value);

}  // namespace ftnt
