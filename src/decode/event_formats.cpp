#include "decode/event_formats.h"

#include <event-parse.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "core/beneath.h"
#include "core/text_file.h"

namespace ftnt {

EventFormats::EventFormats() : tep_(tep_alloc()) {
    if (!tep_) throw std::bad_alloc();
    tep_set_long_size(tep_, sizeof(long));
    tep_set_page_size(tep_, static_cast<int>(::sysconf(_SC_PAGESIZE)));
}

EventFormats::~EventFormats() {
    tep_free(tep_);
}

tep_event* EventFormats::load(const std::string& tracefs, const std::string& system,
                              const std::string& name) {
    auto text = read_beneath(tracefs, "events/" + system + "/" + name + "/format");
    if (!text) return nullptr;
    return parse(*text, system);
}

tep_event* EventFormats::parse(const std::string& format_text, const std::string& system) {
    tep_event* event = nullptr;
    auto status =
        tep_parse_format(tep_, &event, format_text.c_str(), format_text.size(), system.c_str());
    // A print format libtraceevent cannot fully parse still leaves usable fields.
    if (!event || (status != TEP_ERRNO__SUCCESS && status != TEP_ERRNO__PARSE_EVENT_FAILED))
        throw std::runtime_error("cannot parse the format of " + system + " event");
    return event;
}

tep_event* EventFormats::find(int id) const {
    return tep_find_event(tep_, id);
}

FieldRef::FieldRef(tep_event* event, const char* name)
    : field_(event ? tep_find_field(event, name) : nullptr) {}

unsigned FieldRef::size() const {
    return field_ ? static_cast<unsigned>(field_->size) : 0;
}
unsigned FieldRef::offset() const {
    return field_ ? static_cast<unsigned>(field_->offset) : 0;
}
bool FieldRef::is_signed() const {
    return field_ && (field_->flags & TEP_FIELD_IS_SIGNED);
}

bool FieldRef::is_array() const {
    return field_ && (field_->flags & TEP_FIELD_IS_ARRAY);
}

std::optional<uint64_t> FieldRef::number(std::span<const uint8_t> raw) const {
    if (!field_ || offset() + size() > raw.size()) return std::nullopt;
    uint64_t value = 0;
    switch (size()) {
        case 1:
            value = raw[offset()];
            break;
        case 2: {
            uint16_t v;
            std::memcpy(&v, raw.data() + offset(), 2);
            value = v;
            break;
        }
        case 4: {
            uint32_t v;
            std::memcpy(&v, raw.data() + offset(), 4);
            value = v;
            break;
        }
        case 8:
            std::memcpy(&value, raw.data() + offset(), 8);
            break;
        default:
            return std::nullopt;
    }
    return value;
}

std::span<const uint8_t> FieldRef::bytes(std::span<const uint8_t> raw) const {
    if (!field_ || offset() + size() > raw.size()) return {};
    return raw.subspan(offset(), size());
}

std::string FieldRef::text(std::span<const uint8_t> raw) const {
    if (!field_) return {};
    std::span<const uint8_t> bytes;
    if (field_->flags & TEP_FIELD_IS_DYNAMIC) {
        auto loc = number(raw);  // __data_loc: length << 16 | offset
        if (!loc) return {};
        std::size_t offset = *loc & 0xffff, length = (*loc >> 16) & 0xffff;
        if (offset + length > raw.size()) return {};
        bytes = raw.subspan(offset, length);
    } else {
        bytes = this->bytes(raw);
    }
    std::string out(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return out.substr(0, out.find('\0'));
}

}  // namespace ftnt
