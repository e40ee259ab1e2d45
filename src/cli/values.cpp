#include "cli/values.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "core/errors.h"

namespace ftnt {
namespace {

[[noreturn]] void refuse(const std::string& flag, const std::string& text,
                         const std::string& form) {
    throw UsageError(flag + ": '" + shown_value(text) + "' is not " + form);
}

bool all_digits(const std::string& text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
}

std::string number_text(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.15g", value);
    return buffer;
}

}  // namespace

uint64_t parse_whole_number(const std::string& text, const std::string& flag, uint64_t min,
                            uint64_t max) {
    std::string form = "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
    if (!all_digits(text)) refuse(flag, text, form);
    uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < min || value > max)
        refuse(flag, text, form);
    return value;
}

double parse_decimal(const std::string& text, const std::string& flag, double min, double max) {
    std::string form = "a decimal number from " + number_text(min) + " to " + number_text(max);
    auto dot = text.find('.');
    bool shape = text.size() <= 32 && all_digits(text.substr(0, dot)) &&
                 (dot == std::string::npos || all_digits(text.substr(dot + 1)));
    if (!shape) refuse(flag, text, form);
    double value = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(value) || value < min || value > max) refuse(flag, text, form);
    return value;
}

std::pair<uint64_t, uint64_t> parse_range(const std::string& text, const std::string& flag,
                                          uint64_t max) {
    std::string form = "N or N-M (whole numbers, N <= M <= " + std::to_string(max) + ")";
    auto dash = text.find('-');
    auto low_text = text.substr(0, dash);
    auto high_text = dash == std::string::npos ? low_text : text.substr(dash + 1);
    if (!all_digits(low_text) || !all_digits(high_text)) refuse(flag, text, form);
    uint64_t low = 0, high = 0;
    try {
        low = parse_whole_number(low_text, flag, 0, max);
        high = parse_whole_number(high_text, flag, 0, max);
    } catch (const UsageError&) {
        refuse(flag, text, form);
    }
    if (low > high) refuse(flag, text, form);
    return {low, high};
}

std::vector<std::string> parse_name_list(const std::string& text, const std::string& flag) {
    std::string form = "a list of names separated by commas (NAME[,NAME...])";
    std::vector<std::string> names;
    std::size_t start = 0;
    while (true) {
        auto comma = text.find(',', start);
        auto part =
            text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        auto first = part.find_first_not_of(" \t");
        if (first == std::string::npos) refuse(flag, text, form + ": an empty name");
        names.push_back(part.substr(first, part.find_last_not_of(" \t") - first + 1));
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return names;
}

}  // namespace ftnt
