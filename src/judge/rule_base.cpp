#include "judge/rule_base.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
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

constexpr std::size_t kMaxRuleFile = 1u << 20;

[[noreturn]] void fail(const std::string& file, int line, const std::string& why) {
    throw UsageError("bad rule at " + file + ":" + std::to_string(line) + ": " + why);
}

std::vector<std::string> point_list(const std::string& text) {
    std::vector<std::string> names;
    std::stringstream in(text);
    for (std::string name; std::getline(in, name, ',');) names.push_back(trim(name));
    return names;
}

// A kernel symbol (letters, digits, '_', '.') or SYSTEM:EVENT (letters, digits, '_').
bool symbol_name(const std::string& name, bool dots) {
    if (name.empty() || name.size() > 255 || std::isdigit(static_cast<unsigned char>(name[0])))
        return false;
    return std::all_of(name.begin(), name.end(), [dots](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (dots && c == '.');
    });
}

bool point_name(const std::string& name) {
    auto colon = name.find(':');
    if (colon == std::string::npos) return symbol_name(name, true);
    return symbol_name(name.substr(0, colon), false) && symbol_name(name.substr(colon + 1), false);
}

// One section being read: its kind, name and keys, each with its line.
struct Section {
    std::string kind, name, file;
    int line = 0;
    std::map<std::string, std::pair<std::string, int>> keys;
};

const std::set<std::string> kRuleKeys = {"at",    "when",    "passed", "passed_when", "not_passed",
                                         "level", "message", "advice", "fallback"};
const std::set<std::string> kReasonKeys = {"message", "advice", "level"};

DiagLevel level_of(const std::string& value, const std::string& file, int line) {
    if (value == "info") return DiagLevel::Info;
    if (value == "warn") return DiagLevel::Warn;
    if (value == "error") return DiagLevel::Error;
    fail(file, line, "level must be one of info, warn, error (not '" + shown_value(value) + "')");
}

// The key's value, checked for placeholders when it is a text shown to the user.
std::string text_key(const Section& s, const std::string& key) {
    auto found = s.keys.find(key);
    if (found == s.keys.end()) return "";
    const auto& [value, line] = found->second;
    if (auto why = check_placeholders(value); !why.empty()) fail(s.file, line, key + ": " + why);
    return value;
}

DiagRule rule_of(const Section& s) {
    DiagRule rule;
    rule.name = s.name;
    rule.file = s.file;
    rule.line = s.line;
    for (const auto& [key, entry] : s.keys) {
        const auto& [value, line] = entry;
        if (key == "at") {
            if (!point_name(value))
                fail(s.file, line,
                     "at must be a function or SYSTEM:EVENT, not '" + shown_value(value) + "'");
            rule.at = value;
        } else if (key == "when") {
            if (auto why = rule.when.parse(value); !why.empty()) fail(s.file, line, why);
        } else if (key == "passed_when") {
            if (auto why = rule.passed_when.parse(value); !why.empty()) fail(s.file, line, why);
        } else if (key == "passed" || key == "not_passed") {
            auto names = point_list(value);
            for (const auto& name : names)
                if (!point_name(name))
                    fail(s.file, line, key + ": '" + shown_value(name) + "' is not a point name");
            (key == "passed" ? rule.passed : rule.not_passed) = names;
        } else if (key == "level") {
            rule.level_of_reason = value == "reason";
            if (!rule.level_of_reason) rule.level = level_of(value, s.file, line);
        } else if (key == "fallback") {
            if (value != "yes") fail(s.file, line, "fallback takes only yes");
            rule.fallback = true;
        }
    }
    rule.message = text_key(s, "message");
    rule.advice = text_key(s, "advice");
    if (rule.at.empty()) fail(s.file, s.line, "a rule needs `at` (the point it reads)");
    if (rule.message.empty()) fail(s.file, s.line, "a rule needs a message");
    if (s.keys.count("passed_when") && rule.passed.empty())
        fail(s.file, s.keys.at("passed_when").second, "passed_when needs `passed` (its points)");
    for (const char* key : {"message", "advice"})
        if (rule.passed.empty() && s.keys.count(key) &&
            s.keys.at(key).first.find("{passed.") != std::string::npos)
            fail(s.file, s.keys.at(key).second,
                 std::string(key) + ": {passed.FIELD} needs `passed` (its points)");
    return rule;
}

}  // namespace

const char* diag_level_name(DiagLevel level) {
    switch (level) {
        case DiagLevel::Info:
            return "INFO";
        case DiagLevel::Warn:
            return "WARN";
        case DiagLevel::Error:
            return "ERROR";
    }
    return "INFO";
}

DiagLevel Diagnosis::worst() const {
    DiagLevel worst = DiagLevel::Info;
    for (const auto& finding : findings) worst = std::max(worst, finding.level);
    return worst;
}

std::string check_placeholders(const std::string& text) {
    for (std::size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at + 1)) {
        auto end = text.find('}', at);
        if (end == std::string::npos) return "'{' without '}'";
        std::string name = text.substr(at + 1, end - at - 1);
        name = name.substr(0, name.find('|'));  // {FIELD|text when the packet lacks it}
        auto passed = passed_field(name);
        bool known = passed ? known_event_field(*passed)
                            : known_event_field(name) || name == "reason_message" ||
                                  name == "reason_advice" || name == "firewall";
        if (!known) return "unknown placeholder {" + shown_value(name) + "}";
    }
    return "";
}

void RuleBase::load_text(const std::string& text, const std::string& file) {
    std::istringstream lines(text);
    std::vector<Section> sections;
    int number = 0;
    for (std::string raw; std::getline(lines, raw);) {
        ++number;
        std::string line = trim(raw.starts_with("#") ? "" : raw);
        if (line.empty()) continue;
        if (line.front() == '[') {
            if (line.back() != ']') fail(file, number, "section header without ']'");
            std::istringstream header(line.substr(1, line.size() - 2));
            Section section{"", "", file, number, {}};
            header >> section.kind >> section.name;
            if (std::string extra; header >> extra)
                fail(file, number, "unexpected '" + shown_value(extra) + "' after the name");
            if (section.kind != "rule" && section.kind != "reason")
                fail(file, number,
                     "unknown kind '" + shown_value(section.kind) + "' (rule or reason)");
            if (section.name.empty()) fail(file, number, "section without a name");
            sections.push_back(std::move(section));
            continue;
        }
        auto equals = line.find('=');
        if (equals == std::string::npos) fail(file, number, "expected 'key = value'");
        if (sections.empty()) fail(file, number, "key before any [section]");
        Section& current = sections.back();
        std::string key = trim(line.substr(0, equals));
        const auto& allowed = current.kind == "rule" ? kRuleKeys : kReasonKeys;
        if (!allowed.count(key))
            fail(file, number, "unknown key '" + shown_value(key) + "' for a " + current.kind);
        if (current.keys.count(key)) fail(file, number, key + " given twice");
        current.keys[key] = {trim(line.substr(equals + 1)), number};
    }
    for (const auto& section : sections) {
        if (section.kind == "rule") {
            rules_.push_back(rule_of(section));
            continue;
        }
        if (reasons_.count(section.name))
            fail(file, section.line, "reason " + section.name + " given twice");
        ReasonWords words{text_key(section, "message"), text_key(section, "advice")};
        if (auto level = section.keys.find("level"); level != section.keys.end())
            words.level = level_of(level->second.first, file, level->second.second);
        if (words.message.empty()) fail(file, section.line, "a reason needs a message");
        reasons_[section.name] = words;
    }
}

ReasonWords RuleBase::words_for(const std::string& reason) const {
    if (reason.empty())
        return {"the kernel dropped the packet (this kernel names no reason)",
                "the location says which function dropped it"};
    auto found = reasons_.find(reason);
    if (found != reasons_.end()) return found->second;
    return {"the kernel dropped the packet for reason " + reason +
                ", which ftnettrace has no words for yet",
            "the location says which function dropped it; the reason is named in the "
            "kernel's include/net/dropreason-core.h"};
}

void RuleBase::load_directory(const std::string& dir, bool all) {
    auto names = list_directory(dir);
    if (names.empty() && !path_exists(dir))
        throw UsageError("rules directory not found: " + shown_value(dir, 200));
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (!name.ends_with(".def") || (!all && !judge_data_file(name))) continue;
        std::string path = dir + "/" + name;
        std::string text;
        if (auto error = read_regular_file(path, kMaxRuleFile, text); !error.empty())
            throw UsageError("cannot read rule file " + shown_value(path, 200) + ": " + error);
        load_text(text, path);
    }
}

void RuleBase::load_builtin() {
    for (const auto& file : builtin_catalog_files())
        if (judge_data_file(std::string(file.name)))
            load_text(std::string(file.text), "<built in>/" + std::string(file.name));
}

RuleBase RuleBase::load(const std::string& rules_dir) {
    RuleBase base;
    auto shipped = default_catalog_dir();
    if (!std::getenv("FTNETTRACE_CATALOG") && !path_exists(shipped))
        base.load_builtin();
    else
        base.load_directory(shipped, false);
    if (!rules_dir.empty()) base.load_directory(rules_dir, true);
    return base;
}

}  // namespace ftnt
