// Golden test: the kprobe_events lines planning the whole shipped catalog gives on the
// recorded Debian 6.1 kernel (tests/fixtures/kernel-6.1), one block per filter of
// whole_catalog_filters(), compared with tests/fixtures/kernel-6.1/path-plan.golden.
// After an intended change, regenerate the file and review its diff:
//   FTNT_UPDATE_GOLDEN=1 build/tests/ftnettrace_unit_tests --gtest_filter='CatalogGolden.*'
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "attach/dynamic_event.h"
#include "plan/path_plan.h"
#include "unit/support/recorded_kernel61.h"

namespace ftnt {
namespace {

const char* kGolden = "kernel-6.1/path-plan.golden";

std::string planned_kprobe_events() {
    test::RecordedKernel61 kernel;
    std::ostringstream out;
    auto filters = test::whole_catalog_filters();
    for (std::size_t i = 0; i < filters.size(); ++i) {
        out << "# filter " << i << " of whole_catalog_filters()\n";
        auto in = kernel.input(filters[i]);
        auto plan = plan_path(in);
        for (const auto& probe : plan.probes) {
            if (probe.tracepoint) continue;
            out << kprobe_definition(in.group, probe.kprobe) << '\n';
            if (probe.kretprobe) out << kprobe_definition(in.group, *probe.kretprobe) << '\n';
        }
    }
    return out.str();
}

TEST(CatalogGolden, WholeCatalogOn61GivesTheRecordedKprobeEvents) {
    auto planned = planned_kprobe_events();
    if (std::getenv("FTNT_UPDATE_GOLDEN")) {
        std::ofstream(std::string(FTNT_FIXTURES) + "/" + kGolden) << planned;
        GTEST_SKIP() << "wrote " << kGolden;
    }
    auto golden = test::fixture(kGolden);
    std::istringstream want(golden), got(planned);
    std::string want_line, got_line;
    for (int line = 1; std::getline(want, want_line); ++line) {
        ASSERT_TRUE(std::getline(got, got_line)) << kGolden << ":" << line << " missing";
        ASSERT_EQ(got_line, want_line) << kGolden << ":" << line;
    }
    EXPECT_FALSE(std::getline(got, got_line))
        << "planned more than " << kGolden << ": " << got_line;
    EXPECT_GT(golden.size(), 1000u);
}

}  // namespace
}  // namespace ftnt
