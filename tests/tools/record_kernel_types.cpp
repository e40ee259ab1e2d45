// Records what path planning asks of the running kernel's BTF and which catalog functions
// its available_filter_functions lists, for tests/fixtures/kernel-<version>. Run as root in
// the test guest (scripts/guest.d/capture-fixtures does):
//   record_kernel_types CATALOG_DIR TYPES_OUT FUNCTIONS_OUT
#include <fstream>
#include <iostream>
#include <sstream>

#include "discover/kernel_types.h"
#include "discover/tracefs_features.h"
#include "plan/catalog.h"
#include "plan/path_plan.h"
#include "plan/skb_layout.h"
#include "unit/support/recorded_kernel_types.h"
#include "unit/support/whole_catalog.h"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: record_kernel_types CATALOG_DIR TYPES_OUT FUNCTIONS_OUT\n";
        return 2;
    }
    using namespace ftnt;
    try {
        auto real = KernelTypes::load();
        std::ofstream types_out(argv[2]);
        test::RecordingKernelTypes recording(*real, types_out);
        Catalog catalog;
        catalog.load_directory(argv[1]);
        const std::string tracefs = "/sys/kernel/tracing";
        auto functions = ProbeableFunctions::read(tracefs);
        auto features = read_tracefs_features(tracefs);
        auto layout = SkbLayout::from(recording);
        for (const auto& filter : test::whole_catalog_filters()) {
            auto in = test::whole_catalog_input(catalog, features, recording, layout, functions,
                                                tracefs + "/events");
            in.filter = filter;
            plan_path(in);
        }
        std::ofstream functions_out(argv[3]);
        for (const auto& name : test::catalog_function_names(catalog))
            for (auto it = functions.available.lower_bound(name); it != functions.available.end();
                 ++it) {
                if (*it != name && !it->starts_with(name + ".")) break;
                functions_out << *it << '\n';
            }
    } catch (const std::exception& error) {
        std::cerr << "record_kernel_types: " << error.what() << '\n';
        return 1;
    }
    return 0;
}
