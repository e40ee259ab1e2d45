#include "decode/inferred_reason.h"

namespace ftnt {

std::optional<std::string> InferredReasons::at(std::string_view location) const {
    auto function = location.substr(0, location.find_first_of("+/ \t"));
    if (function.empty() || function.starts_with("0x")) return std::nullopt;
    auto it = by_function_.find(function);
    if (it == by_function_.end()) return std::nullopt;
    return it->second;
}

}  // namespace ftnt
