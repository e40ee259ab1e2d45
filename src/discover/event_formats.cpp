#include "discover/event_formats.h"

#include <event-parse.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <vector>

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

bool identifier(std::string_view word) {
    if (word.empty() || std::isdigit(static_cast<unsigned char>(word[0]))) return false;
    for (char c : word)
        if (!identifier_char(c)) return false;
    return true;
}

// The declaration of a field as the kernel writes it: type words (identifiers, "*", and
// "char[]" after __data_loc/__rel_loc), then NAME, NAME[DIGITS] or NAME[]. libtraceevent 1.7 reads
// past the line on an unclosed '[' ("void * skbaddr[;"): anything else is refused.
std::optional<std::string> declared_name(const std::string& declaration) {
    std::vector<std::string_view> words;
    std::string_view rest = declaration;
    while (!rest.empty()) {
        auto space = rest.find(' ');
        words.push_back(rest.substr(0, space));
        if (space == std::string_view::npos) break;
        rest.remove_prefix(space + 1);
    }
    if (words.size() < 2) return std::nullopt;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        auto word = words[i];
        if (word.ends_with("[]")) word.remove_suffix(2);
        if (word != "*" && !identifier(word)) return std::nullopt;
    }
    auto last = words.back();
    if (auto bracket = last.find('['); bracket != std::string_view::npos) {
        auto digits = last.substr(bracket + 1);
        // NAME[] for a kprobe's array fetcharg (":x8[4]" gives "u8 a[];" on 6.1).
        if (!digits.ends_with(']') || digits.size() > 6) return std::nullopt;
        digits.remove_suffix(1);
        for (char c : digits)
            if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        last = last.substr(0, bracket);
    }
    if (!identifier(last)) return std::nullopt;
    return std::string(last);
}

// Reads DIGITS from `text` at `at` (at most 6 of them).
std::optional<unsigned long> digits_at(const std::string& text, std::size_t& at) {
    auto start = at;
    while (at < text.size() && at - start < 7 && std::isdigit(static_cast<unsigned char>(text[at])))
        ++at;
    if (at == start || at - start > 6) return std::nullopt;
    return std::strtoul(text.c_str() + start, nullptr, 10);
}

// `\tfield:TYPE NAME[N];\toffset:N;\tsize:N;\tsigned:N;` exactly as the kernel prints each
// field; the field's name goes to `names`.
bool field_line_ok(const std::string& line, std::set<std::string>& names) {
    constexpr std::string_view kField = "\tfield:";
    if (!starts(line, "\tfield:")) return false;
    auto end = line.find(';');
    if (end == std::string::npos) return false;
    auto declaration = line.substr(kField.size(), end - kField.size());
    auto name = declared_name(declaration);
    if (!name) return false;
    std::size_t at = end;
    unsigned long numbers[3] = {};
    int i = 0;
    for (std::string_view part : {";\toffset:", ";\tsize:", ";\tsigned:"}) {
        if (line.compare(at, part.size(), part) != 0) return false;
        at += part.size();
        auto number = digits_at(line, at);
        if (!number) return false;
        numbers[i++] = *number;
    }
    if (line.substr(at) != ";" || numbers[2] > 1) return false;
    if (auto bracket = declaration.rfind('['); bracket != std::string::npos) {
        // An array's size is a multiple of its length (libtraceevent 1.7 crashes otherwise).
        auto length = std::strtoul(declaration.c_str() + bracket + 1, nullptr, 10);
        if (length > 0 && (numbers[1] == 0 || numbers[1] % length != 0)) return false;
    }
    names.insert(*name);
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

// A small reader of the print fmt's __print_symbolic calls.
class Cursor {
  public:
    explicit Cursor(std::string_view text) : text_(text) {}
    void spaces() {
        while (at_ < text_.size() && text_[at_] == ' ') ++at_;
    }
    bool literal(std::string_view word) {
        spaces();
        if (text_.substr(at_, word.size()) != word) return false;
        at_ += word.size();
        return true;
    }
    std::string_view identifier() {
        spaces();
        auto start = at_;
        while (at_ < text_.size() && identifier_char(text_[at_])) ++at_;
        return text_.substr(start, at_ - start);
    }
    // -?(0x[0-9a-fA-F]+|[0-9]+), at most 20 characters.
    std::optional<std::string_view> number() {
        spaces();
        auto start = at_;
        if (at_ < text_.size() && text_[at_] == '-') ++at_;
        bool hex = text_.substr(at_, 2) == "0x";
        if (hex) at_ += 2;
        auto digits = at_;
        while (at_ < text_.size() && (hex ? std::isxdigit(static_cast<unsigned char>(text_[at_]))
                                          : std::isdigit(static_cast<unsigned char>(text_[at_]))))
            ++at_;
        if (at_ == digits || at_ - start > 20) return std::nullopt;
        return text_.substr(start, at_ - start);
    }
    // "TEXT" of printable characters other than '"' and '\\', at most 128.
    std::optional<std::string_view> quoted() {
        if (!literal("\"")) return std::nullopt;
        auto start = at_;
        while (at_ < text_.size() && text_[at_] != '"') {
            auto c = static_cast<unsigned char>(text_[at_]);
            if (c < 0x20 || c >= 0x7f || c == '\\' || at_ - start >= 128) return std::nullopt;
            ++at_;
        }
        if (at_ >= text_.size()) return std::nullopt;
        return text_.substr(start, at_++ - start);
    }

  private:
    std::string_view text_;
    std::size_t at_ = 0;
};

// `REC->NAME, { VALUE, "TEXT" }, ...)` after "__print_symbolic(", re-written with the numeric
// entries only; nullopt when it does not read exactly so.
std::optional<std::string> symbolic_call(std::string_view text,
                                         const std::set<std::string>& names) {
    Cursor cursor(text);
    if (!cursor.literal("REC->")) return std::nullopt;
    std::string field(cursor.identifier());
    if (!names.count(field)) return std::nullopt;
    std::string entries;
    int count = 0;
    while (!cursor.literal(")")) {
        if (++count > 4096 || !cursor.literal(",") || !cursor.literal("{")) return std::nullopt;
        auto value = cursor.number();
        if (!value && cursor.identifier().empty()) return std::nullopt;  // TCP_LISTEN, ...
        if (!cursor.literal(",")) return std::nullopt;
        auto name = cursor.quoted();
        if (!name || !cursor.literal("}")) return std::nullopt;
        if (value) entries += ", { " + std::string(*value) + ", \"" + std::string(*name) + "\" }";
    }
    if (entries.empty()) return std::nullopt;
    return "__print_symbolic(REC->" + field + entries + ")";
}

// The print fmt libtraceevent is given: only the symbol tables ftnettrace reads (the drop
// reasons' __print_symbolic), each checked entry by entry. libtraceevent 1.7 parses a print
// fmt as C expressions and crashes on malformed ones the kernel never writes (an operator after
// a ?: branch, "? x : \"UNKNOWN\". y"); nothing else of it is used.
std::string reduced_print_fmt(const std::string& line, const std::set<std::string>& names) {
    constexpr std::string_view kCall = "__print_symbolic(";
    std::vector<std::string> calls;
    for (auto at = line.find(kCall); at != std::string::npos && calls.size() < 8;
         at = line.find(kCall, at + 1))
        if (auto call = symbolic_call(std::string_view(line).substr(at + kCall.size()), names))
            calls.push_back(*call);
    std::string format, args;
    for (const auto& call : calls) {
        format += format.empty() ? "%s" : " %s";
        args += ", " + call;
    }
    return "print fmt: \"" + format + "\"" + args;
}

bool event_name_ok(const std::string& line) {
    auto name = std::string_view(line).substr(std::strlen("name: "));
    if (name.empty() || name.size() > 128) return false;
    for (char c : name)
        if (!identifier_char(c) && c != '.') return false;
    return true;
}

bool event_id_ok(const std::string& line) {
    std::size_t at = std::strlen("ID: ");
    return digits_at(line, at) && at == line.size();
}

}  // namespace

std::optional<std::string> reduced_format(const std::string& text) {
    if (!format_shape_ok(text)) return std::nullopt;
    std::string out;
    std::set<std::string> names;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        if (starts(line, "print fmt: ")) return out + reduced_print_fmt(line, names) + "\n";
        field_line_ok(line, names);  // a field line adds its name; the others add nothing
        out += line + "\n";
    }
    return std::nullopt;
}

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
        if (line_number == 1 && (!starts(line, "name: ") || !event_name_ok(line))) return false;
        if (line_number == 2 && (!starts(line, "ID: ") || !event_id_ok(line))) return false;
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
    auto reduced = reduced_format(format_text);
    if (!reduced) throw std::runtime_error("the format of a " + system + " event is malformed");
    tep_event* event = nullptr;
    auto status = tep_parse_format(tep_, &event, reduced->c_str(), reduced->size(), system.c_str());
    // A print format libtraceevent cannot fully parse still leaves usable fields.
    if (!event || (status != TEP_ERRNO__SUCCESS && status != TEP_ERRNO__PARSE_EVENT_FAILED))
        throw std::runtime_error("cannot parse the format of " + system + " event");
    return event;
}

tep_event* EventFormats::find(int id) const {
    return tep_find_event(tep_, id);
}

FieldRef::FieldRef(tep_event* event, const char* name) {
    tep_format_field* field = event ? tep_find_field(event, name) : nullptr;
    if (!field) return;
    found_ = true;
    offset_ = static_cast<unsigned>(field->offset);
    size_ = static_cast<unsigned>(field->size);
    array_ = field->flags & TEP_FIELD_IS_ARRAY;
    signed_ = field->flags & TEP_FIELD_IS_SIGNED;
    dynamic_ = field->flags & TEP_FIELD_IS_DYNAMIC;
}

std::span<const uint8_t> FieldRef::bytes(std::span<const uint8_t> raw) const {
    if (!found_ || std::size_t{offset_} + size_ > raw.size()) return {};
    return raw.subspan(offset_, size_);
}

std::string FieldRef::text(std::span<const uint8_t> raw) const {
    if (!found_) return {};
    std::span<const uint8_t> bytes;
    if (dynamic_) {
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
