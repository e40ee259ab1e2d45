// Tracepoint formats parsed by libtraceevent, loaded one event at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>

struct tep_handle;
struct tep_event;
struct tep_format_field;

namespace ftnt {

// Whether `text` has the shape of a tracefs format file (name, ID, format:, field lines, one
// print fmt line with balanced brackets and quotes).
bool format_shape_ok(const std::string& text);
// What libtraceevent is given of a format file of that shape: its header and field lines, and
// a print fmt holding only the __print_symbolic tables of numeric values (drop reasons);
// nullopt when the shape is wrong.
std::optional<std::string> reduced_format(const std::string& text);

class EventFormats {
  public:
    EventFormats();
    ~EventFormats();
    EventFormats(const EventFormats&) = delete;
    EventFormats& operator=(const EventFormats&) = delete;

    // Parses <tracefs>/events/<system>/<name>/format; nullptr when the event does not exist.
    tep_event* load(const std::string& tracefs, const std::string& system, const std::string& name);
    // Parses format text (from a fixture or a file); throws std::runtime_error when it cannot.
    tep_event* parse(const std::string& format_text, const std::string& system);
    tep_event* find(int id) const;
    tep_handle* handle() const { return tep_; }

  private:
    tep_handle* tep_;
};

// A field of one event, resolved once by name and read from raw tracepoint records.
class FieldRef {
  public:
    FieldRef() = default;
    FieldRef(tep_event* event, const char* name);
    explicit operator bool() const { return found_; }
    unsigned size() const { return size_; }
    unsigned offset() const { return offset_; }
    bool is_array() const { return array_; }
    bool is_signed() const { return signed_; }
    // Read for every field of every record: inline, from the offset and size kept here.
    std::optional<uint64_t> number(std::span<const uint8_t> raw) const {
        if (!found_ || std::size_t{offset_} + size_ > raw.size()) return std::nullopt;
        const uint8_t* at = raw.data() + offset_;
        switch (size_) {
            case 1:
                return *at;
            case 2:
                return load<uint16_t>(at);
            case 4:
                return load<uint32_t>(at);
            case 8:
                return load<uint64_t>(at);
            default:
                return std::nullopt;
        }
    }
    // The field's bytes (for arrays such as saddr[4] or a sockaddr_in6).
    std::span<const uint8_t> bytes(std::span<const uint8_t> raw) const;
    // A string field: `char name[16]` or a __data_loc string (kprobe :string fetchargs).
    std::string text(std::span<const uint8_t> raw) const;

  private:
    template <class T>
    static uint64_t load(const uint8_t* at) {
        T value;
        std::memcpy(&value, at, sizeof value);
        return value;
    }
    unsigned offset_ = 0, size_ = 0;
    bool found_ = false, array_ = false, signed_ = false, dynamic_ = false;
};

}  // namespace ftnt
