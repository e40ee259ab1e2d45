#include "run/path_keys.h"

namespace ftnt {

PathKeys PathKeys::from_catalog(const Catalog& catalog) {
    PathKeys keys;
    for (const auto& entry : catalog.entries()) {
        if (entry.infer_reason) keys.infer_reason_.insert(entry.name);
        if (!entry.drops_inside) continue;
        keys.drops_inside_.insert(entry.name);
        keys.drops_inside_.insert(entry.aliases.begin(), entry.aliases.end());
    }
    return keys;
}

bool PathKeys::infers_reason(const std::string& point) const {
    return infer_reason_.contains(point);
}

bool PathKeys::drops_inside(const std::string& location) const {
    auto plus = location.find('+');
    return plus != std::string::npos && drops_inside_.contains(location.substr(0, plus));
}

}  // namespace ftnt
