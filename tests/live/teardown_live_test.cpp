// Every way a run ends leaves no instance behind; --cleanup removes what SIGKILL left.
#include <gtest/gtest.h>
#include <signal.h>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

class Teardown : public ::testing::TestWithParam<int> {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

TEST_P(Teardown, SignalEndsTheRunCleanly) {
    ToolRun run({"--drop"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    ASSERT_TRUE(instance_exists(run.pid()));
    EXPECT_EQ(run.stop(GetParam()), 0) << run.stderr_text();
    EXPECT_FALSE(instance_exists(run.pid()));
    EXPECT_NE(run.stderr_text().find("events seen"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Signals, Teardown, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

class TeardownLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

TEST_F(TeardownLive, CountReachedEndsTheRun) {
    NetnsPair ns("count");
    ToolRun run({"--drop", "-c", "2", "-o", "json", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(run.wait_ready());
    udp_send(ns.a(), NetnsPair::kAddrB, 7020, 5);
    EXPECT_EQ(run.wait_exit(10), 0) << run.stderr_text();
    EXPECT_EQ(run.stdout_lines().size(), 2u) << run.stdout_text();
    EXPECT_FALSE(instance_exists(run.pid()));
}

TEST_F(TeardownLive, DurationEndsTheRun) {
    ToolRun run({"--drop", "--duration", "1"});
    ASSERT_TRUE(run.wait_ready());
    EXPECT_EQ(run.wait_exit(10), 0);
    EXPECT_FALSE(instance_exists(run.pid()));
}

TEST_F(TeardownLive, CleanupRemovesWhatSigkillLeft) {
    pid_t pid;
    {
        ToolRun run({"--drop"});
        ASSERT_TRUE(run.wait_ready());
        pid = run.pid();
        EXPECT_EQ(run.stop(SIGKILL), -SIGKILL);
        ASSERT_TRUE(instance_exists(pid)) << "SIGKILL should leave the instance for --cleanup";
    }
    std::string out;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, nullptr), 0);
    EXPECT_NE(out.find("removed tracefs instance ftnettrace-" + std::to_string(pid)),
              std::string::npos)
        << out;
    EXPECT_FALSE(instance_exists(pid));
}

TEST_F(TeardownLive, UnknownReasonExitsTwoListingThisKernelsNames) {
    std::string err;
    EXPECT_EQ(run_tool({"--drop", "--reason", "NO_SUCH_THING"}, nullptr, &err), 2);
    EXPECT_NE(err.find("unknown drop reason 'NO_SUCH_THING'"), std::string::npos) << err;
    EXPECT_NE(err.find("NO_SOCKET"), std::string::npos) << err;
}

TEST_F(TeardownLive, NotRootIsToldClearly) {
    std::string err;
    EXPECT_EQ(run_tool({"--drop"}, nullptr, &err, 65534), 1);
    EXPECT_NE(err.find("needs root"), std::string::npos) << err;
}

}  // namespace
}  // namespace ftnt::test
