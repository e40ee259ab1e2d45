#include "read/hist_table.h"

#include <charconv>
#include <sstream>
#include <string_view>

namespace ftnt {
namespace {

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    return text;
}

bool number_of(std::string_view text, uint64_t& out) {
    text = trimmed(text);
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

// "reason:          2, location: 1844..., protocol:       2048"
bool parse_keys(std::string_view text, const std::set<std::string>& string_keys, HistEntry& entry) {
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view pair = text.substr(0, comma);
        auto colon = pair.find(':');
        if (colon == std::string_view::npos) return false;
        std::string name(trimmed(pair.substr(0, colon)));
        uint64_t value = 0;
        if (string_keys.count(name))
            entry.text_keys.emplace_back(name, std::string(trimmed(pair.substr(colon + 1))));
        else if (number_of(pair.substr(colon + 1), value))
            entry.keys.emplace_back(name, value);
        else
            return false;
        entry.names.push_back(name);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return !entry.keys.empty() || !entry.text_keys.empty();
}

}  // namespace

uint64_t HistEntry::key(const std::string& name) const {
    for (const auto& [key_name, value] : keys)
        if (key_name == name) return value;
    return 0;
}

std::string HistEntry::text(const std::string& name) const {
    for (const auto& [key_name, value] : text_keys)
        if (key_name == name) return value;
    return "";
}

std::vector<HistEntry> parse_hist_entries(const std::string& hist_text,
                                          const std::set<std::string>& string_keys) {
    std::vector<HistEntry> out;
    std::istringstream lines(hist_text);
    std::string line;
    while (std::getline(lines, line)) {
        std::string_view view(line);
        if (view.empty() || view.front() != '{') continue;
        auto close = view.find('}');
        auto hits = view.find("hitcount:", close == std::string_view::npos ? 0 : close);
        if (close == std::string_view::npos || hits == std::string_view::npos) continue;
        HistEntry entry;
        std::string_view count = view.substr(hits + 9);
        count = count.substr(0, count.find_first_not_of(" 0123456789"));
        if (!parse_keys(view.substr(1, close - 1), string_keys, entry) ||
            !number_of(count, entry.hitcount))
            continue;
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace ftnt
