// The Debian 6.1 guest kernel as recorded in tests/fixtures/kernel-6.1 (README there): its
// BTF answers and the catalog functions its available_filter_functions lists, ready to plan
// the shipped catalog against.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "discover/tracefs_features.h"
#include "plan/catalog.h"
#include "plan/path_plan.h"
#include "plan/skb_layout.h"
#include "unit/fixture_file.h"
#include "unit/support/recorded_kernel_types.h"
#include "unit/support/whole_catalog.h"

namespace ftnt::test {

struct RecordedKernel61 {
    RecordedKernelTypes types{fixture("kernel-6.1/btf-path-plan.txt"), "recorded 6.1 BTF"};
    SkbLayout layout = SkbLayout::from(types);
    ProbeableFunctions functions;
    TracefsFeatures features;
    Catalog catalog;
    std::filesystem::path events;

    RecordedKernel61() {
        functions.known = true;
        std::istringstream lines(fixture("kernel-6.1/available_filter_functions-catalog.txt"));
        std::string line;
        while (std::getline(lines, line)) functions.available.insert(line);
        features.kprobe_events = features.kretprobes = true;
        catalog.load_directory(FTNT_CATALOG);
        // Every catalog tracepoint exists on 6.1: an events directory that has them.
        events = std::filesystem::temp_directory_path() /
                 ("ftnettrace-unit-events61-" + std::to_string(::getpid()));
        for (const auto& e : catalog.entries())
            if (e.kind == "tracepoint")
                std::filesystem::create_directories(events / e.system() / e.event());
    }
    ~RecordedKernel61() { std::filesystem::remove_all(events); }
    RecordedKernel61(const RecordedKernel61&) = delete;
    RecordedKernel61& operator=(const RecordedKernel61&) = delete;

    PathPlanInput input(const filters::PacketFilter& filter) const {
        auto in = whole_catalog_input(catalog, features, types, layout, functions, events);
        in.filter = filter;
        return in;
    }
};

}  // namespace ftnt::test
