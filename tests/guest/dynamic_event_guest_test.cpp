// Kprobes made through libtracefs' dynamic event API (src/attach/dynamic_event.cpp): the
// kernel's refusal reaches the user in its own words, and --cleanup removes only the groups
// of dead ftnettrace runs.
#include <gtest/gtest.h>

#include <string>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

using DynamicEventGuest = PathGuest;

// Kprobes written straight into kprobe_events, as another tool (or a killed run) leaves them;
// each removed again when the test ends, whatever happened.
class ForeignKprobes {
  public:
    explicit ForeignKprobes(std::vector<std::string> lines) : lines_(std::move(lines)) {
        for (const auto& line : lines_) append(line);
    }
    ~ForeignKprobes() {
        for (const auto& line : lines_) {
            auto colon = line.find(':'), space = line.find(' ');
            append("-:" + line.substr(colon + 1, space - colon - 1));
        }
    }
    ForeignKprobes(const ForeignKprobes&) = delete;
    ForeignKprobes& operator=(const ForeignKprobes&) = delete;

  private:
    static void append(const std::string& line) {
        shell("echo '" + line + "' >> " + tracefs_file("kprobe_events") + " 2>/dev/null");
    }
    std::vector<std::string> lines_;
};

bool has_kprobe(const std::string& group_and_event) {
    auto probes = shell_output("cat " + tracefs_file("kprobe_events"));
    return probes.find(":" + group_and_event + " ") != std::string::npos;
}

// A fetcharg only the kernel can judge: the run goes on without that point and says why in
// the kernel's words (error_log: "Invalid register name", 5.2+).
TEST_F(DynamicEventGuest, KprobeTheKernelRefusesShowsItsErrorLogReason) {
    run({"-t", "life", "--kprobe", "ip_local_deliver_finish bad=%zz:u32"}, [] {});
    EXPECT_NE(stderr_.find("skipped ip_local_deliver_finish: kprobe on ip_local_deliver_finish "
                           "refused: "),
              std::string::npos)
        << stderr_;
    EXPECT_NE(stderr_.find("(Invalid register name)"), std::string::npos) << stderr_;
}

TEST_F(DynamicEventGuest, CleanupRemovesADeadRunsGroupAndNoOtherToolsKprobe) {
    // 4194303: above any pid this guest hands out, so no run of that pid is alive.
    ForeignKprobes probes({"p:othertool/ftnt_ip_rcv ip_rcv", "r:othertool/ftnt_ip_rcv_ret ip_rcv",
                           "p:ftnettrace_4194303/ip_rcv ip_rcv",
                           "r:ftnettrace_4194303/ip_rcv_ret ip_rcv",
                           "p:ftnettrace_x/ip_rcv ip_rcv"});
    ASSERT_TRUE(has_kprobe("othertool/ftnt_ip_rcv"));
    ASSERT_TRUE(has_kprobe("ftnettrace_4194303/ip_rcv_ret"));
    std::string out;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, nullptr), 0) << out;
    EXPECT_NE(out.find("removed 2 kprobe events of group ftnettrace_4194303"), std::string::npos)
        << out;
    EXPECT_NE(out.find("skipped kprobe group ftnettrace_x"), std::string::npos) << out;
    EXPECT_FALSE(has_kprobe("ftnettrace_4194303/ip_rcv"));
    EXPECT_FALSE(has_kprobe("ftnettrace_4194303/ip_rcv_ret"));
    EXPECT_TRUE(has_kprobe("othertool/ftnt_ip_rcv"));
    EXPECT_TRUE(has_kprobe("othertool/ftnt_ip_rcv_ret"));
    EXPECT_TRUE(has_kprobe("ftnettrace_x/ip_rcv"));
}

}  // namespace
}  // namespace ftnt::test
