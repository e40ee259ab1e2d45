#include "plan/catalog.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/install_paths.h"
#include "core/regular_file.h"
#include "core/shown_value.h"
#include "core/text_file.h"
#include "plan/builtin_catalog.h"

namespace ftnt {
namespace {

std::vector<std::string> split_aliases(const std::string& text) {
    std::vector<std::string> names;
    std::stringstream in(text);
    std::string name;
    while (std::getline(in, name, ',')) names.push_back(trim(name));
    return names;
}

// Kinds as bits, so one key rule can serve several kinds.
enum KindBit : unsigned { kTracepoint = 1, kKprobe = 2, kDropLocation = 4, kDropFunction = 8 };

const std::map<std::string, unsigned> kKinds = {{"tracepoint", kTracepoint},
                                                {"kprobe", kKprobe},
                                                {"drop_location", kDropLocation},
                                                {"drop_function", kDropFunction}};

// A value check returns "" when the value is good, else what the key takes.
using ValueCheck = std::string (*)(const std::string& value);
using ValueStore = void (*)(CatalogEntry& entry, const std::string& value);

struct KeyRule {
    const char* key;
    unsigned kinds;
    ValueCheck check;
    ValueStore store = nullptr;
};

std::string one_of(const std::string& value, std::initializer_list<const char*> words) {
    std::string all;
    for (const char* word : words) {
        if (value == word) return "";
        all += (all.empty() ? "" : ", ") + std::string(word);
    }
    return "one of " + all;
}

bool all_of(const std::string& value, bool (*allowed)(char)) {
    return !value.empty() && std::all_of(value.begin(), value.end(), allowed);
}

bool lower_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool upper_word_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool argument_number(const std::string& value) {
    return value.size() == 1 && value[0] >= '1' && value[0] <= '6';
}

std::string kprobe_skb(const std::string& v) {
    if (v == "auto" || argument_number(v) || (v.starts_with("*") && argument_number(v.substr(1))))
        return "";
    return "auto, an argument 1-6, or *N (the argument points to the skb pointer)";
}

std::string socket_argument(const std::string& v) {
    return v == "auto" || argument_number(v) ? "" : "auto or an argument 1-6";
}

std::string field_name(const std::string& v) {
    return valid_event_name(v) ? "" : "a field name (letters, digits, '_')";
}

// A tracepoint's format fields to show with each event (and for `field.NAME` in --diag rules).
std::string field_list(const std::string& v) {
    std::istringstream words(v);
    for (std::string word; words >> word;)
        if (!valid_event_name(word))
            return "format field names separated by spaces ('" + shown_value(word) + "' is not)";
    return "";
}

std::string struct_member(const std::string& v) {
    auto dot = v.find('.');
    bool ok = dot != std::string::npos && valid_event_name(v.substr(0, dot)) &&
              valid_event_name(v.substr(dot + 1));
    return ok ? "" : "STRUCT.MEMBER";
}

std::string group_name(const std::string& v) {
    return all_of(v, lower_word_char) ? "" : "a group name (a-z, 0-9, '_', '-')";
}

std::string reason_name(const std::string& v) {
    return all_of(v, upper_word_char) ? "" : "a drop reason name (A-Z, 0-9, '_')";
}

std::string kernel_version(const std::string& v) {
    static const std::regex version(R"(\d+\.\d+)");
    return std::regex_match(v, version) ? "" : "a kernel version (MAJOR.MINOR)";
}

std::string scalar_type(const std::string& v) {
    static const std::regex scalar(R"([usx](8|16|32|64))");
    return std::regex_match(v, scalar) ? "" : "a fetch type (u8..u64, s8..s64, x8..x64)";
}

std::string function_list(const std::string& v) {
    for (const auto& alias : split_aliases(v))
        if (!valid_function_name(alias))
            return "kernel symbol names separated by ',' ('" + shown_value(alias) + "' is not)";
    return "";
}

std::string any_text(const std::string&) {
    return "";
}

// A fetcharg of the catalog (Documentation/trace/kprobetrace.rst): $argN, $retval, $comm,
// or [+-]OFFSET(FETCHARG) where OFFSET is a number or {STRUCT.MEMBER[+N]} (from BTF/DWARF).
// Registers are refused: they are x86 only, and $argN (4.20+) names the same argument.
// The kernel takes at most 16 fetch instructions a fetcharg (FETCH_INSN_MAX): deeper nesting
// is refused here, which also bounds this recursion on a hostile file.
constexpr int kMaxDerefDepth = 8;

std::string check_fetch_arg(const std::string& arg, std::size_t& at, int depth = 0) {
    static const std::regex plain(R"(^(\$arg[1-6]|\$retval|\$comm))");
    static const std::regex offset(R"(^[+-](\d+|\{[A-Za-z_][A-Za-z0-9_.]*(\+\d+)?\})\()");
    std::smatch match;
    std::string rest = arg.substr(at);
    if (rest.starts_with("%"))
        return "$argN, not a register (" + shown_value(rest.substr(0, rest.find(')'))) +
               "): registers are x86 only";
    if (std::regex_search(rest, match, plain)) {
        at += match.str(0).size();
        return "";
    }
    if (!std::regex_search(rest, match, offset))
        return "$argN, $retval, $comm or +OFFSET(FETCHARG), not '" + shown_value(rest) + "'";
    at += match.str(0).size();
    if (depth == kMaxDerefDepth)
        return "at most " + std::to_string(kMaxDerefDepth) + " dereferences";
    if (auto inner = check_fetch_arg(arg, at, depth + 1); !inner.empty()) return inner;
    if (at >= arg.size() || arg[at] != ')') return "')' missing in '" + shown_value(arg) + "'";
    ++at;
    return "";
}

// "name=FETCHARG:TYPE ..." as kprobe_events takes them after the function.
std::string fetch_arg_list(const std::string& value) {
    static const std::regex type(R"(([usx](8|16|32|64)(\[\d+\])?|string|symbol|b\d+@\d+/\d+))");
    std::istringstream words(value);
    std::string word;
    while (words >> word) {
        auto equals = word.find('=');
        auto colon = word.rfind(':');
        if (equals == std::string::npos || colon == std::string::npos || colon < equals ||
            !valid_event_name(word.substr(0, equals)))
            return "NAME=FETCHARG:TYPE words ('" + shown_value(word) + "' is not)";
        std::string arg = word.substr(equals + 1, colon - equals - 1);
        std::size_t at = 0;
        if (auto why = check_fetch_arg(arg, at); !why.empty()) return why;
        if (at != arg.size()) return "'" + shown_value(arg) + "' has more after the fetcharg";
        if (!std::regex_match(word.substr(colon + 1), type))
            return "a fetch type after ':' ('" + shown_value(word) + "')";
    }
    return "";
}

// The one table of keys: which kinds take a key and which values it takes. A key the tool
// interprets also stores its typed value in the entry.
const KeyRule kKeyRules[] = {
    {"group", kTracepoint | kKprobe, group_name},
    {"skb", kTracepoint, field_name},
    {"skb", kKprobe, kprobe_skb},
    {"skb", kDropFunction,
     [](const std::string& v) { return argument_number(v) ? "" : std::string("an argument 1-6"); }},
    {"sk", kKprobe, socket_argument},
    {"skb_member", kKprobe, struct_member},
    {"data", kKprobe,
     [](const std::string& v) {
         return one_of(v, {"l2", "l3", "l4", "icmp-body", "sock", "none"});
     }},
    {"ret", kKprobe,
     [](const std::string& v) {
         return one_of(v, {"yes", "always"});
     },
     [](CatalogEntry& e, const std::string& v) {
         e.ret = v == "always" ? ReturnProbe::Always : ReturnProbe::WithRetOption;
     }},
    {"ret_type", kKprobe, scalar_type},
    {"fields", kKprobe, fetch_arg_list},
    {"fields", kTracepoint, field_list},
    {"hooks_fields", kKprobe, fetch_arg_list},
    {"aliases", kKprobe, function_list,
     [](CatalogEntry& e, const std::string& v) { e.aliases = split_aliases(v); }},
    {"verdict_of_hooks", kKprobe, function_list,
     [](CatalogEntry& e, const std::string& v) { e.verdict_of_hooks = split_aliases(v); }},
    {"lifecycle", kTracepoint | kKprobe,
     [](const std::string& v) {
         return one_of(v, {"free", "clone", "entry"});
     },
     [](CatalogEntry& e, const std::string& v) {
         e.lifecycle = v == "free"    ? LifecycleRole::Free
                       : v == "clone" ? LifecycleRole::Clone
                                      : LifecycleRole::Entry;
     }},
    {"decode", kKprobe,
     [](const std::string& v) {
         return one_of(v, {"xt_table", "nf_hook", "nft_chain"});
     },
     [](CatalogEntry& e, const std::string& v) {
         e.decode = v == "xt_table"  ? DecodeAs::XtTable
                    : v == "nf_hook" ? DecodeAs::NfHook
                                     : DecodeAs::NftChain;
     }},
    {"infer_reason", kTracepoint | kKprobe,
     [](const std::string& v) { return one_of(v, {"location"}); },
     [](CatalogEntry& e, const std::string&) { e.infer_reason = true; }},
    {"drops_inside", kKprobe, [](const std::string& v) { return one_of(v, {"yes"}); },
     [](CatalogEntry& e, const std::string&) { e.drops_inside = true; }},
    {"addresses", kTracepoint,
     [](const std::string& v) {
         return one_of(v, {"packet", "reply"});
     }},
    {"l4", kTracepoint,
     [](const std::string& v) {
         return one_of(v, {"TCP", "UDP"});
     }},
    {"join", kTracepoint | kKprobe,
     [](const std::string& v) {
         return one_of(v, {"drop", "sock"});
     }},
    {"require", kTracepoint, field_name},
    {"since", kTracepoint | kKprobe, kernel_version},
    {"reason", kDropLocation | kDropFunction, reason_name},
    {"about", kTracepoint | kKprobe | kDropLocation | kDropFunction, any_text},
};

const KeyRule* rule_for(const std::string& key, const std::string& kind) {
    for (const auto& rule : kKeyRules)
        if (key == rule.key && (rule.kinds & kKinds.at(kind))) return &rule;
    return nullptr;
}

[[noreturn]] void fail(const std::string& file, int line, const std::string& why) {
    throw UsageError("bad catalog entry at " + file + ":" + std::to_string(line) + ": " + why);
}

constexpr std::size_t kMaxCatalogFile = 1u << 20;

bool name_of(const std::string& name, bool dots) {
    if (name.empty() || name.size() > 255 || std::isdigit(static_cast<unsigned char>(name[0])))
        return false;
    for (char c : name) {
        bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (dots && c == '.');
        if (!ok || static_cast<unsigned char>(c) >= 0x80) return false;
    }
    return true;
}

// The section's name (and a kprobe's aliases) in the kernel's character set: they become
// tracefs paths and kprobe_events lines.
void check_names(const CatalogEntry& entry) {
    if (entry.kind == "tracepoint") {
        if (!valid_event_name(entry.system()) || !valid_event_name(entry.event()))
            fail(entry.file, entry.line,
                 "tracepoint '" + shown_value(entry.name) +
                     "' is not system:event of letters, digits and '_'");
        return;
    }
    if (!valid_function_name(entry.name))
        fail(entry.file, entry.line,
             "function '" + shown_value(entry.name) +
                 "' is not a kernel symbol name (letters, digits, '_' and '.')");
}

}  // namespace

std::string CatalogEntry::get(const std::string& key, const std::string& fallback) const {
    auto it = keys.find(key);
    return it == keys.end() ? fallback : it->second;
}

std::string CatalogEntry::system() const {
    return name.substr(0, name.find(':'));
}

std::string CatalogEntry::event() const {
    auto colon = name.find(':');
    return colon == std::string::npos ? name : name.substr(colon + 1);
}

void Catalog::load_text(const std::string& text, const std::string& file) {
    std::istringstream lines(text);
    std::string raw;
    int number = 0;
    CatalogEntry* current = nullptr;
    std::size_t first_new = entries_.size();
    while (std::getline(lines, raw)) {
        ++number;
        std::string line = trim(raw.substr(0, raw.find('#')));
        if (line.empty()) continue;
        if (line.front() == '[') {
            if (line.back() != ']') fail(file, number, "section header without ']'");
            std::istringstream header(line.substr(1, line.size() - 2));
            CatalogEntry entry;
            entry.file = file;
            entry.line = number;
            header >> entry.kind >> entry.name;
            if (std::string extra; header >> extra)
                fail(file, number, "unexpected '" + shown_value(extra) + "' after the name");
            if (!kKinds.count(entry.kind))
                fail(file, number,
                     "unknown kind '" + entry.kind +
                         "' (tracepoint, kprobe, drop_location or drop_function)");
            if (entry.name.empty()) fail(file, number, "section without an event name");
            if (entry.kind == "tracepoint" && entry.name.find(':') == std::string::npos)
                fail(file, number, "tracepoint name must be system:event");
            check_names(entry);
            entries_.push_back(std::move(entry));
            current = &entries_.back();
            continue;
        }
        auto equals = line.find('=');
        if (equals == std::string::npos) fail(file, number, "expected 'key = value'");
        if (!current) fail(file, number, "key before any [section]");
        std::string key = trim(line.substr(0, equals));
        std::string value = trim(line.substr(equals + 1));
        const KeyRule* rule = rule_for(key, current->kind);
        if (!rule) fail(file, number, "unknown key '" + key + "' for a " + current->kind);
        if (current->keys.count(key)) fail(file, number, key + " given twice");
        if (auto why = rule->check(value); !why.empty())
            fail(file, number, key + " must be " + why);
        if (rule->store) rule->store(*current, value);
        current->keys[key] = value;
    }
    check_whole_entries(first_new);
}

// What one key cannot tell alone, checked once a file's entries are complete.
void Catalog::check_whole_entries(std::size_t first) const {
    for (std::size_t i = first; i < entries_.size(); ++i) {
        const auto& e = entries_[i];
        if (e.lifecycle == LifecycleRole::Clone && e.ret != ReturnProbe::Always)
            fail(e.file, e.line, "lifecycle = clone needs ret = always (the clone is returned)");
        if (e.keys.count("skb") && e.keys.count("sk"))
            fail(e.file, e.line, "a kprobe takes skb or sk, not both");
        if (e.keys.count("ret_type") && e.ret == ReturnProbe::None)
            fail(e.file, e.line, "ret_type without ret");
        if (e.kind == "drop_location" && !e.keys.count("reason"))
            fail(e.file, e.line, "a drop_location needs a reason");
    }
}

void Catalog::load_directory(const std::string& dir) {
    auto names = list_directory(dir);
    if (names.empty() && !path_exists(dir))
        throw UsageError("catalog directory not found: " + shown_value(dir, 200));
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (!name.ends_with(".def") || judge_data_file(name)) continue;
        std::string path = dir + "/" + name;
        std::string text;
        if (auto error = read_regular_file(path, kMaxCatalogFile, text); !error.empty())
            throw UsageError("cannot read catalog file " + shown_value(path, 200) + ": " + error);
        load_text(text, path);
    }
    add_source(dir);
}

void Catalog::load_builtin() {
    std::size_t loaded = 0;
    for (const auto& file : builtin_catalog_files()) {
        if (judge_data_file(std::string(file.name))) continue;
        load_text(std::string(file.text), "<built in>/" + std::string(file.name));
        ++loaded;
    }
    add_source("built in (" + std::to_string(loaded) + " files)");
}

void Catalog::add_source(const std::string& source) {
    source_ += (source_.empty() ? "" : ", ") + source;
}

Catalog Catalog::load(const std::string& extra_dir) {
    Catalog catalog;
    auto shipped = default_catalog_dir();
    if (!std::getenv("FTNETTRACE_CATALOG") && !path_exists(shipped))
        catalog.load_builtin();
    else
        catalog.load_directory(shipped);
    if (!extra_dir.empty()) catalog.load_directory(extra_dir);
    return catalog;
}

std::vector<const CatalogEntry*> Catalog::with(const std::string& key,
                                               const std::string& value) const {
    std::vector<const CatalogEntry*> out;
    for (const auto& entry : entries_)
        if (entry.get(key) == value) out.push_back(&entry);
    return out;
}

std::string lifecycle_word(LifecycleRole role) {
    switch (role) {
        case LifecycleRole::Free:
            return "free";
        case LifecycleRole::Clone:
            return "clone";
        case LifecycleRole::Entry:
            return "entry";
        default:
            return "";
    }
}

bool valid_event_name(const std::string& name) {
    return name_of(name, false);
}

bool valid_function_name(const std::string& name) {
    return name_of(name, true);
}

}  // namespace ftnt
