#include "decode/inferred_reason.h"

#include "core/errors.h"

namespace ftnt {

InferredReasons InferredReasons::from_catalog(const Catalog& catalog) {
    InferredReasons table;
    for (const auto& entry : catalog.entries()) {
        if (entry.kind != "drop_location") continue;
        auto reason = entry.get("reason");
        if (reason.empty())
            throw UsageError("bad catalog entry at " + entry.file + ":" +
                             std::to_string(entry.line) + ": drop_location without a reason");
        table.by_function_[entry.name] = reason;
    }
    return table;
}

std::optional<std::string> InferredReasons::at(std::string_view location) const {
    auto function = location.substr(0, location.find_first_of("+/ \t"));
    if (function.empty() || function.starts_with("0x")) return std::nullopt;
    auto it = by_function_.find(function);
    if (it == by_function_.end()) return std::nullopt;
    return it->second;
}

}  // namespace ftnt
