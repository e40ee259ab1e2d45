// Why a firewall tool failed is never an empty text (issue 11 item 15: "could not add table
// inet ftnettrace_N: " with nothing after it).
#include <gtest/gtest.h>

#include "netfilter/command.h"

namespace ftnt::netfilter {
namespace {

TEST(CommandFailure, AlwaysSaysSomething) {
    EXPECT_EQ(failure_text({1, "", "Error: Could not process rule\n"}),
              "Error: Could not process rule");
    EXPECT_EQ(failure_text({1, "out of memory\n", "  \n"}), "out of memory");
    EXPECT_EQ(failure_text({1, "", ""}), "it exited with status 1 and said nothing");
    EXPECT_EQ(failure_text({-1, "", ""}), "it could not be started, was killed or timed out");
    EXPECT_EQ(failure_text(run_command({"sh", "-c", "exit 3"})),
              "it exited with status 3 and said nothing");
}

}  // namespace
}  // namespace ftnt::netfilter
