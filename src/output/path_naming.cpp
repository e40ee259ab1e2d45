#include "output/path_naming.h"

namespace ftnt {

PathEventView PathNaming::view_of(const PathEvent& e) {
    PathEventView v;
    v.event = &e;
    v.comm = comms_.name(e.tid, e.cpu);
    if (e.location)
        v.location = namer_.name(e.location, symbolize::AddressKind::return_address).with_line();
    v.stack = namer_.callchain(e.stack);
    for (uint64_t function : hook_functions(e)) {
        const auto& location = namer_.name(function).location;
        v.hooks.push_back(location.substr(0, location.find('+')));
    }
    return v;
}

}  // namespace ftnt
