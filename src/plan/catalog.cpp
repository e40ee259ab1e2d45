#include "plan/catalog.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "cli/values.h"
#include "core/errors.h"
#include "core/install_paths.h"
#include "core/regular_file.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

const std::map<std::string, std::set<std::string>> kKnownKeys = {
    {"tracepoint",
     {"group", "skb", "addresses", "l4", "join", "require", "since", "about", "lifecycle"}},
    {"kprobe",
     {"group", "skb", "sk", "skb_member", "data", "ret", "ret_type", "fields", "hooks_fields",
      "aliases", "since", "about", "lifecycle"}},
    // The reason a drop location stands for where skb:kfree_skb has none (drop-locations.def).
    {"drop_location", {"reason", "about"}},
    // The function a kprobe at the drop goes on: the first the kernel has (drop-locations.def).
    {"drop_function", {"skb", "reason", "about"}},
};

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

std::vector<std::string> split_aliases(const std::string& text) {
    std::vector<std::string> names;
    std::stringstream in(text);
    std::string name;
    while (std::getline(in, name, ',')) names.push_back(trim(name));
    return names;
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
            if (!kKnownKeys.count(entry.kind))
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
        if (!kKnownKeys.at(current->kind).count(key))
            fail(file, number, "unknown key '" + key + "' for a " + current->kind);
        current->keys[key] = trim(line.substr(equals + 1));
        if (key == "aliases")
            for (const auto& alias : split_aliases(current->keys[key]))
                if (!valid_function_name(alias))
                    fail(file, number,
                         "alias '" + shown_value(alias) + "' is not a kernel symbol name");
    }
}

void Catalog::load_directory(const std::string& dir) {
    auto names = list_directory(dir);
    if (names.empty() && !path_exists(dir)) throw UsageError("catalog directory not found: " + dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (!name.ends_with(".def")) continue;
        std::string path = dir + "/" + name;
        std::string text;
        if (auto error = read_regular_file(path, kMaxCatalogFile, text); !error.empty())
            throw UsageError("cannot read catalog file " + path + ": " + error);
        load_text(text, path);
    }
}

Catalog Catalog::load(const std::string& extra_dir) {
    Catalog catalog;
    catalog.load_directory(default_catalog_dir());
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

bool valid_event_name(const std::string& name) {
    return name_of(name, false);
}

bool valid_function_name(const std::string& name) {
    return name_of(name, true);
}

}  // namespace ftnt
