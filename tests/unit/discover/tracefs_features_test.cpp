#include "discover/tracefs_features.h"

#include <gtest/gtest.h>

#include "unit/fixture_file.h"

namespace ftnt {
namespace {

TEST(TracefsFeatures, HostKernelHasNoKprobesButUprobeSyntax) {
    auto f = parse_tracefs_readme(test::fixture("kernel-6.18/tracefs_README"));
    EXPECT_FALSE(f.kprobe_events);
    EXPECT_FALSE(f.kretprobes);
    EXPECT_FALSE(f.hist_triggers);
    EXPECT_TRUE(f.instances);
    EXPECT_TRUE(f.stacktrace_trigger);
    EXPECT_TRUE(f.fetch_arg_n);
}

TEST(TracefsFeatures, DebianGuestKernelHasKprobesAndHistTriggers) {
    auto f = parse_tracefs_readme(test::fixture("kernel-6.1/tracefs_README"));
    EXPECT_TRUE(f.kprobe_events);
    EXPECT_TRUE(f.kretprobes);
    EXPECT_TRUE(f.hist_triggers);
    EXPECT_FALSE(f.btf_args);
}

// Recorded READMEs (kernel-*/tracefs_README, see their README.md): 6.1 and 6.12 raise
// synthetic events from onchange()/trace(); Debian's 5.10 is built without hist triggers.
TEST(TracefsFeatures, HistFollowingOn61And612NotOn510OrHost) {
    EXPECT_TRUE(parse_tracefs_readme(test::fixture("kernel-6.1/tracefs_README")).hist_follow);
    EXPECT_TRUE(parse_tracefs_readme(test::fixture("kernel-6.12/tracefs_README")).hist_follow);
    EXPECT_FALSE(parse_tracefs_readme(test::fixture("kernel-5.10/tracefs_README")).hist_follow);
    EXPECT_FALSE(parse_tracefs_readme(test::fixture("kernel-6.18/tracefs_README")).hist_follow);
}

}  // namespace
}  // namespace ftnt
