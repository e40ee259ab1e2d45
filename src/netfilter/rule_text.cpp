#include "netfilter/rule_text.h"

#include <charconv>

namespace ftnt::netfilter {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    std::size_t at = 0;
    while (at < text.size()) {
        auto end = text.find('\n', at);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return lines;
}

std::string_view trim_view(std::string_view text) {
    auto start = text.find_first_not_of(" \t\r");
    if (start == std::string_view::npos) return {};
    auto end = text.find_last_not_of(" \t\r");
    return text.substr(start, end - start + 1);
}

}  // namespace

std::map<std::string, SavedTable> parse_iptables_save(std::string_view text) {
    std::map<std::string, SavedTable> tables;
    SavedTable* table = nullptr;
    for (auto raw : lines_of(text)) {
        auto line = trim_view(raw);
        if (line.empty() || line.front() == '#') continue;
        if (line.front() == '*') {
            table = &tables[std::string(line.substr(1))];
        } else if (line == "COMMIT") {
            table = nullptr;
        } else if (table && line.front() == ':') {
            // ":INPUT ACCEPT [0:0]" / ":USERCHAIN - [0:0]"
            auto words = split_save_line(line.substr(1));
            if (words.size() >= 2) table->chains[words[0]].policy = words[1];
        } else if (table && line.starts_with("-A ")) {
            auto words = split_save_line(line);
            if (words.size() >= 2) table->chains[words[1]].rules.emplace_back(line);
        }
    }
    return tables;
}

std::optional<std::string> saved_rule(const SavedTable& table, const std::string& chain,
                                      uint32_t number) {
    auto found = table.chains.find(chain);
    if (found == table.chains.end() || number == 0 || number > found->second.rules.size())
        return std::nullopt;
    return found->second.rules[number - 1];
}

std::string iptables_verdict(const std::string& rule_line, const SavedTable* table) {
    auto words = split_save_line(rule_line);
    std::string verdict = "continue";
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (words[i] == "-j" || words[i] == "--jump") {
            const auto& target = words[i + 1];
            bool chain =
                table ? table->chains.count(target) > 0
                      : target.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
            verdict = chain ? "jump " + target : target;
        } else if (words[i] == "-g" || words[i] == "--goto") {
            verdict = "goto " + words[i + 1];
        }
    }
    return verdict;
}

std::vector<std::string> split_save_line(std::string_view line) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false, quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
                word += line[++i];
            } else if (c == '"') {
                quoted = false;
            } else {
                word += c;
            }
        } else if (c == '"') {
            quoted = true;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (in_word) words.push_back(word);
    return words;
}

std::string run_tag(int pid) {
    return "ftnettrace:" + std::to_string(pid);
}

std::optional<int> tagged_pid(std::string_view line) {
    constexpr std::string_view kTag = "ftnettrace:";
    std::size_t at = 0;
    while ((at = line.find(kTag, at)) != std::string_view::npos) {
        at += kTag.size();
        auto end = at;
        while (end < line.size() && line[end] >= '0' && line[end] <= '9') ++end;
        int pid = 0;
        if (end > at && std::from_chars(line.data() + at, line.data() + end, pid).ec == std::errc())
            return pid;
    }
    return std::nullopt;
}

std::vector<NftRuleLine> parse_nft_chain_listing(std::string_view text) {
    std::vector<NftRuleLine> rules;
    constexpr std::string_view kHandle = "# handle ";
    for (auto raw : lines_of(text)) {
        auto line = trim_view(raw);
        if (line.starts_with("table ") || line.starts_with("chain ") || line.starts_with("type ") ||
            line == "}" || line.empty())
            continue;
        auto at = line.rfind(kHandle);
        if (at == std::string_view::npos) continue;
        uint64_t handle = 0;
        auto digits = line.substr(at + kHandle.size());
        if (std::from_chars(digits.data(), digits.data() + digits.size(), handle).ec != std::errc())
            continue;
        rules.push_back({handle, std::string(trim_view(line.substr(0, at)))});
    }
    return rules;
}

std::vector<std::pair<std::string, std::string>> parse_nft_tables(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> tables;
    for (auto raw : lines_of(text)) {
        auto words = split_save_line(trim_view(raw));
        if (words.size() >= 3 && words[0] == "table") tables.emplace_back(words[1], words[2]);
    }
    return tables;
}

}  // namespace ftnt::netfilter
