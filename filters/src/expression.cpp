#include <sstream>

#include "ftnettrace/filters.h"

namespace ftnt::filters {
namespace {

std::string join(const std::string& field, const std::vector<uint64_t>& values, const char* op,
                 const char* glue) {
    std::ostringstream out;
    for (std::size_t i = 0; i < values.size(); ++i)
        out << (i ? glue : "") << field << ' ' << op << ' ' << values[i];
    return out.str();
}

}  // namespace

std::string any_of(const std::string& field, const std::vector<uint64_t>& values) {
    return join(field, values, "==", " || ");
}

std::string none_of(const std::string& field, const std::vector<uint64_t>& values) {
    return join(field, values, "!=", " && ");
}

std::string all_of(const std::vector<std::string>& clauses) {
    std::vector<const std::string*> present;
    for (const auto& clause : clauses)
        if (!clause.empty()) present.push_back(&clause);
    if (present.size() == 1) return *present[0];
    std::string out;
    for (const auto* clause : present) out += (out.empty() ? "(" : " && (") + *clause + ")";
    return out;
}

std::vector<std::string> split_list(const std::string& comma_separated) {
    std::vector<std::string> parts;
    std::stringstream in(comma_separated);
    std::string part;
    while (std::getline(in, part, ',')) {
        auto first = part.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        auto last = part.find_last_not_of(" \t");
        parts.push_back(part.substr(first, last - first + 1));
    }
    return parts;
}

}  // namespace ftnt::filters
