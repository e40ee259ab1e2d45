// Path tracing (the default mode) on the running kernel. On a kernel without kprobes (the
// 6.18 host) the same command runs on tracepoints and says so; the kprobe tests run in the
// Debian-kernel guest (label guest).
#include <gtest/gtest.h>
#include <signal.h>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

bool kernel_has_kprobes() {
    return ::access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
           ::access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

class PathLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

TEST_F(PathLive, WithoutKprobesTracepointsShowAPingAndSaySo) {
    if (kernel_has_kprobes()) GTEST_SKIP() << "this kernel has kprobes: the guest tests cover it";
    NetnsPair ns("degr");
    ToolRun run({"-o", "json"});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    ASSERT_EQ(ns.run(ns.a(), "ping -c 1 -W 2 192.0.2.2 >/dev/null"), 0);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto err = run.stderr_text();
    EXPECT_NE(err.find("kprobes: this kernel has no kprobe_events"), std::string::npos) << err;
    // The echo request leaves a's veth and enters b's, all one skb.
    bool queued = false, received = false;
    std::string veth_a = "ftnt" + std::to_string(::getpid() % 100000) + "a";
    for (const auto& line : run.stdout_lines()) {
        if (json_string(line, "type") != "event") continue;
        auto func = json_string(line, "func");
        if (func == "net:net_dev_queue" && json_string(line, "dev") == veth_a) queued = true;
        if (func == "net:netif_receive_skb") received = true;
    }
    EXPECT_TRUE(queued) << run.stdout_text();
    EXPECT_TRUE(received) << run.stdout_text();
}

}  // namespace
}  // namespace ftnt::test
