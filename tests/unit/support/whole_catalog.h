// Planning the whole probe catalog the way a run does, with every kind of filter and option
// that changes what a point fetches: shared by the recorder of kernel types and the test.
#pragma once

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ftnettrace/packet_filter.h"
#include "plan/catalog.h"
#include "plan/path_plan.h"

namespace ftnt::test {

inline std::vector<filters::PacketFilter> whole_catalog_filters() {
    using filters::parse_packet_filter;
    return {parse_packet_filter({.addr = "192.0.2.1", .proto = "icmp"}),
            parse_packet_filter({.dport = "82", .proto = "tcp"}),
            parse_packet_filter({.addr = "2001:db8::2", .proto = "icmpv6"}),
            parse_packet_filter({.saddr = "198.51.100.1"}), parse_packet_filter({.proto = "arp"})};
}

inline PathPlanInput whole_catalog_input(const Catalog& catalog, const TracefsFeatures& features,
                                         const KernelTypes& types, const SkbLayout& layout,
                                         const ProbeableFunctions& functions,
                                         const std::string& tracefs_events) {
    PathPlanInput in;
    in.catalog = &catalog;
    in.features = &features;
    in.types = &types;
    in.layout = &layout;
    in.functions = &functions;
    in.returns = true;
    in.hooks = true;
    in.group = "ftnettrace_1";
    in.tracefs_events = tracefs_events;
    return in;
}

// Every kprobe function the catalog names, aliases included.
inline std::set<std::string> catalog_function_names(const Catalog& catalog) {
    std::set<std::string> names;
    for (const auto& e : catalog.entries()) {
        if (e.kind != "kprobe") continue;
        names.insert(e.name);
        std::stringstream aliases(e.get("aliases"));
        std::string alias;
        while (std::getline(aliases, alias, ',')) {
            alias.erase(0, alias.find_first_not_of(' '));
            alias.erase(alias.find_last_not_of(' ') + 1);
            if (!alias.empty()) names.insert(alias);
        }
    }
    return names;
}

}  // namespace ftnt::test
