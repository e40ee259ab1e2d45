#include "plan/drop_function.h"

#include "core/errors.h"
#include "core/shown_value.h"

namespace ftnt {
namespace {

int argument(const CatalogEntry& entry, const std::string& key, int fallback) {
    auto text = entry.get(key);
    if (text.empty()) return fallback;
    if (text.size() != 1 || text[0] < '1' || text[0] > '6')
        throw UsageError("bad catalog entry at " + entry.file + ":" + std::to_string(entry.line) +
                         ": " + key + " must be an argument number 1..6, not '" +
                         shown_value(text) + "'");
    return text[0] - '0';
}

}  // namespace

std::optional<DropFunction> find_drop_function(const Catalog& catalog,
                                               const ProbeableFunctions& functions) {
    for (const auto& entry : catalog.entries()) {
        if (entry.kind != "drop_function") continue;
        DropFunction found{functions.resolve(entry.name), argument(entry, "skb", 1),
                           argument(entry, "reason", 0)};
        if (found.function.empty() || functions.blacklisted.count(found.function)) continue;
        return found;
    }
    return std::nullopt;
}

}  // namespace ftnt
