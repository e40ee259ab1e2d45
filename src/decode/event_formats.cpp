#include "decode/event_formats.h"

#include <event-parse.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <set>
#include <stdexcept>

#include "core/beneath.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

bool starts(const std::string& line, const char* prefix) {
    return line.rfind(prefix, 0) == 0;
}

bool identifier_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// `field:TYPE NAME[N];\toffset:N;\tsize:N;\tsigned:N;` as the kernel prints each field;
// the field's name goes to `names`.
bool field_line_ok(const std::string& line, std::set<std::string>& names) {
    if (!starts(line, "\tfield:") || line.back() != ';') return false;
    for (const char* part : {";\toffset:", ";\tsize:", ";\tsigned:"}) {
        auto at = line.find(part);  // each followed by a decimal number
        if (at == std::string::npos) return false;
        at += std::strlen(part);
        if (at >= line.size() || !std::isdigit(static_cast<unsigned char>(line[at]))) return false;
    }
    auto end = line.find(';');
    auto declaration = line.substr(0, end);
    if (auto bracket = declaration.find('['); bracket != std::string::npos) {
        // An array's size is a multiple of its length (libtraceevent 1.7 crashes otherwise).
        auto length = std::strtoul(declaration.c_str() + bracket + 1, nullptr, 10);
        auto size = std::strtoul(line.c_str() + line.find(";\tsize:") + 7, nullptr, 10);
        if (length > 0 && (size == 0 || size % length != 0)) return false;
        declaration.resize(bracket);
    }
    auto first = declaration.size();
    while (first > 0 && identifier_char(declaration[first - 1])) --first;
    if (first == declaration.size()) return false;
    names.insert(declaration.substr(first));
    return true;
}

// Every REC->NAME of the print fmt names a field (libtraceevent 1.7 crashes on one that
// does not, inside __print_symbolic).
bool fields_known(const std::string& line, const std::set<std::string>& names) {
    for (auto at = line.find("REC->"); at != std::string::npos; at = line.find("REC->", at)) {
        at += 5;
        auto end = at;
        while (end < line.size() && identifier_char(line[end])) ++end;
        if (!names.count(line.substr(at, end - at))) return false;
    }
    return true;
}

// Each % of the print fmt's format string is "%%" or a printf conversion (%p with the
// kernel's suffix letters: %pI4, %pISpc); libtraceevent 1.7 divides by zero on others.
bool conversions_ok(const std::string& line) {
    auto open = line.find('"');
    auto close = open == std::string::npos ? open : line.find('"', open + 1);
    if (close == std::string::npos) return false;
    auto format = line.substr(open + 1, close - open - 1);
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%') continue;
        if (++i < format.size() && format[i] == '%') continue;
        while (i < format.size() && std::strchr("-+ #0", format[i])) ++i;
        while (i < format.size() && (std::isdigit(static_cast<unsigned char>(format[i])) ||
                                     format[i] == '*' || format[i] == '.'))
            ++i;
        while (i < format.size() && std::strchr("hlLzjt", format[i])) ++i;
        if (i >= format.size() || !std::strchr("diouxXcsp", format[i])) return false;
    }
    return true;
}

// The print fmt: one line, printable, quotes closed, (), {} and [] balanced.
bool print_fmt_ok(const std::string& line) {
    int round = 0, curly = 0, square = 0;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        auto c = static_cast<unsigned char>(line[i]);
        if (c < 0x20 && c != '\t') return false;
        if (c >= 0x7f) return false;
        if (quoted) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                quoted = false;
            continue;
        }
        if (c == '"') quoted = true;
        if (c == ';' || c == '\t') return false;  // never outside a string in a print fmt
        // Division and modulo: libtraceevent 1.7 evaluates them at parse time and hits
        // SIGFPE on a zero divisor; no print fmt of an event ftnettrace reads uses them.
        if (c == '/' || c == '%') return false;
        round += c == '(' ? 1 : c == ')' ? -1 : 0;
        curly += c == '{' ? 1 : c == '}' ? -1 : 0;
        square += c == '[' ? 1 : c == ']' ? -1 : 0;
        if (round < 0 || curly < 0 || square < 0) return false;
    }
    return !quoted && round == 0 && curly == 0 && square == 0;
}

}  // namespace

// The shape of a tracefs format file, checked before libtraceevent parses it: the kernel
// writes these files, but libtraceevent (1.7) crashes on some malformed print formats, and a
// crash is never an acceptable answer.
bool format_shape_ok(const std::string& text) {
    for (char c : text)  // the kernel writes printable ASCII, tabs and newlines only
        if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) return false;
    std::size_t start = 0;
    int line_number = 0;
    bool fields = false, print = false;
    std::set<std::string> names;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (line_number == 1 && !starts(line, "name: ")) return false;
        if (line_number == 2 && !starts(line, "ID: ")) return false;
        if (line_number == 3 && line != "format:") return false;
        if (line_number <= 3) continue;
        if (print) return line.empty() && start >= text.size();  // nothing after print fmt
        if (line.empty()) continue;
        if (starts(line, "print fmt: ")) {
            if (!fields || !print_fmt_ok(line) || !conversions_ok(line) ||
                !fields_known(line, names))
                return false;
            print = true;
            continue;
        }
        if (!field_line_ok(line, names)) return false;
        fields = true;
    }
    return fields && print;
}

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
    if (!format_shape_ok(format_text))
        throw std::runtime_error("the format of a " + system + " event is malformed");
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
