#include "judge/condition.h"

#include <charconv>
#include <set>
#include <sstream>

#include "core/shown_value.h"

namespace ftnt {
namespace {

const std::set<std::string> kOperators = {"==", "!=", "<", "<=", ">", ">="};

std::optional<long long> number_of(const std::string& text) {
    long long value = 0;
    const char* end = text.data() + text.size();
    int base = 10;
    const char* begin = text.data();
    if (text.starts_with("0x")) {
        base = 16;
        begin += 2;
    } else if (text.starts_with("-")) {
        auto [ptr, ec] = std::from_chars(begin, end, value);
        if (ec != std::errc() || ptr != end) return std::nullopt;
        return value;
    }
    auto [ptr, ec] = std::from_chars(begin, end, value, base);
    if (ec != std::errc() || ptr != end || begin == end) return std::nullopt;
    return value;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream in(text);
    std::string part;
    while (std::getline(in, part, separator)) parts.push_back(part);
    return parts;
}

}  // namespace

std::optional<std::string> passed_field(const std::string& placeholder) {
    constexpr std::string_view kPrefix = "passed.";
    if (!placeholder.starts_with(kPrefix)) return std::nullopt;
    return placeholder.substr(kPrefix.size());
}

bool known_event_field(const std::string& field) {
    static const std::set<std::string> kFields = {"func",    "reason",    "ret",   "l4",   "saddr",
                                                  "daddr",   "sport",     "dport", "dev",  "state",
                                                  "verdict", "tcp_flags", "len",   "netns"};
    if (field.starts_with("field.")) return field.size() > 6;
    return kFields.count(field) != 0;
}

std::string Condition::parse(const std::string& text) {
    terms_.clear();
    std::istringstream words(text);
    std::vector<std::string> all;
    for (std::string word; words >> word;) all.push_back(word);
    for (std::size_t i = 0; i < all.size();) {
        if (i + 3 > all.size())
            return "a condition is FIELD OP VALUE [and FIELD OP VALUE ...] ('" + shown_value(text) +
                   "' ends early)";
        Term term{all[i], all[i + 1], split(all[i + 2], '|')};
        if (!known_event_field(term.field))
            return "unknown field '" + shown_value(term.field) +
                   "' (func, reason, ret, l4, saddr, daddr, sport, dport, dev, state, verdict, "
                   "tcp_flags, len, netns or field.NAME)";
        if (!kOperators.count(term.op))
            return "unknown operator '" + shown_value(term.op) + "' (==, !=, <, <=, >, >=)";
        for (const auto& value : term.values) {
            if (value.empty()) return "an empty value in '" + shown_value(all[i + 2]) + "'";
            bool ordered = term.op != "==" && term.op != "!=";
            if (ordered && !number_of(value))
                return term.op + " compares numbers, not '" + shown_value(value) + "'";
        }
        terms_.push_back(std::move(term));
        i += 3;
        if (i < all.size()) {
            if (all[i] != "and")
                return "terms are joined by 'and', not '" + shown_value(all[i]) + "'";
            if (++i == all.size()) return "nothing after the last 'and'";
        }
    }
    return "";
}

bool Condition::term_holds(const Term& term, const std::string& value) {
    auto left = number_of(value);
    for (const auto& wanted : term.values) {
        auto right = number_of(wanted);
        bool numeric = left && right;
        bool equal = numeric ? *left == *right : value == wanted;
        if (term.op == "==" && equal) return true;
        if (term.op == "!=" && equal) return false;
        if (!numeric) continue;
        if ((term.op == "<" && *left < *right) || (term.op == "<=" && *left <= *right) ||
            (term.op == ">" && *left > *right) || (term.op == ">=" && *left >= *right))
            return true;
    }
    return term.op == "!=";
}

bool Condition::holds(const FieldLookup& lookup) const {
    for (const auto& term : terms_) {
        auto value = lookup(term.field);
        // A field the event does not carry satisfies only `!=`.
        if (!value) {
            if (term.op != "!=") return false;
            continue;
        }
        if (!term_holds(term, *value)) return false;
    }
    return true;
}

}  // namespace ftnt
