#include "plan/drop_locations.h"

#include "core/errors.h"

namespace ftnt {

ReasonByFunction drop_location_reasons(const Catalog& catalog) {
    ReasonByFunction by_function;
    for (const auto& entry : catalog.entries()) {
        if (entry.kind != "drop_location") continue;
        auto reason = entry.get("reason");
        if (reason.empty())
            throw UsageError("bad catalog entry at " + entry.file + ":" +
                             std::to_string(entry.line) + ": drop_location without a reason");
        by_function[entry.name] = reason;
    }
    return by_function;
}

}  // namespace ftnt
