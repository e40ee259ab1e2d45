#include "plan/catalog.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

const std::map<std::string, std::set<std::string>> kKnownKeys = {
    {"tracepoint", {"group", "skb", "addresses", "l4", "join", "require", "since", "about"}},
    {"kprobe",
     {"group", "skb", "sk", "skb_member", "data", "ret", "ret_type", "fields", "hooks_fields",
      "aliases", "since", "about"}},
};

[[noreturn]] void fail(const std::string& file, int line, const std::string& why) {
    throw UsageError("bad catalog entry at " + file + ":" + std::to_string(line) + ": " + why);
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
            if (!kKnownKeys.count(entry.kind))
                fail(file, number, "unknown kind '" + entry.kind + "' (tracepoint or kprobe)");
            if (entry.name.empty()) fail(file, number, "section without an event name");
            if (entry.kind == "tracepoint" && entry.name.find(':') == std::string::npos)
                fail(file, number, "tracepoint name must be system:event");
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
    }
}

void Catalog::load_directory(const std::string& dir) {
    auto names = list_directory(dir);
    if (names.empty() && !path_exists(dir)) throw UsageError("catalog directory not found: " + dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (!name.ends_with(".def")) continue;
        auto text = read_text_file(dir + "/" + name);
        if (!text) throw UsageError("cannot read catalog file " + dir + "/" + name);
        load_text(*text, dir + "/" + name);
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

std::string default_catalog_dir() {
    if (const char* env = std::getenv("FTNETTRACE_CATALOG")) return env;
    return FTNETTRACE_CATALOG_DIR;
}

}  // namespace ftnt
