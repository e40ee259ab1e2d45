// -w FILE on the running kernel. Without kprobes (the host's 6.18) no point fetches packet
// bytes: the run says so in one line and still writes each drop, with its comment, as a packet
// of 0 bytes that tshark reads. A -w onto a symbolic link exits 2 before anything is attached.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"
#include "support/tshark.h"

namespace ftnt::test {
namespace {

bool has_kprobe_events() {
    return ::access("/sys/kernel/tracing/kprobe_events", F_OK) == 0 ||
           ::access("/sys/kernel/debug/tracing/kprobe_events", F_OK) == 0;
}

class PcapngLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        if (!tshark_available()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps)";
        char name[] = "/tmp/ftnt-pcapng-live-XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        dir_ = name;
    }
    void TearDown() override {
        if (!dir_.empty()) shell("rm -rf '" + dir_ + "'");
    }
    std::string dir_;
};

TEST_F(PcapngLive, DropWithoutKprobesSaysSoAndWritesEachDropWithItsComment) {
    if (has_kprobe_events()) GTEST_SKIP() << "kprobes here: the guest tests cover -w with bytes";
    NetnsPair ns("pcap");
    std::string file = dir_ + "/drops.pcapng";
    ToolRun run({"--drop", "-o", "json", "-D", "7401", "-w", file});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    udp_send(ns.a(), NetnsPair::kAddrB, 7401, 3);
    usleep(300'000);
    // SIGTERM, not SIGINT: the file must be complete after either.
    EXPECT_EQ(run.stop(SIGTERM), 0) << run.stderr_text();
    auto err = run.stderr_text();
    EXPECT_NE(err.find("ftnettrace: -w " + file +
                       ": no packet bytes here (no kprobe events in this kernel, and "
                       "skb:kfree_skb carries no packet bytes): each event is written as a "
                       "packet of 0 bytes"),
              std::string::npos)
        << err;
    std::size_t shown = 0;
    for (const auto& drop : parse_json_lines(run.stdout_text()))
        if (drop.value("type", "") == "drop") ++shown;
    auto read = tshark_fields(file, {"frame.cap_len", "frame.comment"});
    ASSERT_EQ(read.status, 0) << read.text;
    // Every drop shown is a packet in the file, and the test's three are among them.
    EXPECT_EQ(read.rows.size(), shown) << read.text;
    int ours = 0;
    for (const auto& row : read.rows) {
        ASSERT_EQ(row.size(), 2u) << read.text;
        EXPECT_EQ(row[0], "0");
        EXPECT_EQ(comment_value(row[1], "func"), "skb:kfree_skb") << row[1];
        EXPECT_TRUE(comment_value(row[1], "skb").starts_with("0x")) << row[1];
        if (comment_value(row[1], "reason") == "NO_SOCKET" &&
            comment_value(row[1], "location").starts_with("__udp4_lib_rcv+0x"))
            ++ours;
    }
    EXPECT_GE(ours, 3) << read.text;
    EXPECT_NE(err.find("ftnettrace: -w " + file + ": " + std::to_string(shown) + " packets on "),
              std::string::npos)
        << err;
}

TEST_F(PcapngLive, PathWithoutKprobesWritesEachTracepointEventWithItsDevice) {
    if (has_kprobe_events()) GTEST_SKIP() << "kprobes here: the guest tests cover -w with bytes";
    NetnsPair ns("pcpath");
    std::string file = dir_ + "/path.pcapng";
    ToolRun run({"-o", "json", "-w", file});
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    ASSERT_EQ(ns.run(ns.a(), "ping -c 1 -W 2 192.0.2.2 >/dev/null"), 0);
    usleep(300'000);
    ASSERT_EQ(run.stop(SIGINT), 0) << run.stderr_text();
    auto err = run.stderr_text();
    EXPECT_NE(err.find("ftnettrace: -w " + file +
                       ": no packet bytes here (no kprobe events in this kernel, and its "
                       "tracepoints carry no packet bytes)"),
              std::string::npos)
        << err;
    std::vector<nlohmann::json> events;
    for (const auto& object : parse_json_lines(run.stdout_text()))
        if (object.value("type", "") == "event") events.push_back(object);
    auto read = tshark_fields(file, {"frame.cap_len", "frame.interface_name", "frame.comment"});
    ASSERT_EQ(read.status, 0) << read.text;
    ASSERT_EQ(read.rows.size(), events.size()) << read.text;
    std::string veth_a = "ftnt" + std::to_string(::getpid() % 100000) + "a";
    bool queued_on_a = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& row = read.rows[i];
        ASSERT_EQ(row.size(), 3u) << read.text;
        EXPECT_EQ(row[0], "0");
        auto func = events[i].value("func", "");
        EXPECT_EQ(comment_value(row[2], "func"), func) << row[2];
        if (func == "net:net_dev_queue" && row[1] == veth_a) queued_on_a = true;
    }
    EXPECT_TRUE(queued_on_a) << read.text;
}

// -w onto a 4 KiB tmpfs that only the tool's process sees (its own mount namespace, gone with
// it): the file fills after a few dozen drops; the run ends by itself, names the error and
// exits 3 (it kept tracing and exited 0 before). No port filter: on 6.18 a drop's tuple comes
// from the ICMP error joined to it, and icmp_send's rate limit leaves most drops without one.
TEST_F(PcapngLive, AFullFileSystemEndsTheRunWithExitThree) {
    NetnsPair ns("pcfull");
    std::string small = dir_ + "/small";
    ASSERT_EQ(::mkdir(small.c_str(), 0700), 0);
    std::string file = small + "/drops.pcapng";
    ToolRun run({"--drop", "-o", "json", "-w", file}, [small] {
        return ::unshare(CLONE_NEWNS) == 0 &&
               ::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
               ::mount("ftnt-small", small.c_str(), "tmpfs", 0, "size=4k") == 0;
    });
    ASSERT_TRUE(run.wait_ready()) << run.stderr_text();
    int code = -1000;
    for (int round = 0; round < 20 && code == -1000; ++round) {
        udp_send(ns.a(), NetnsPair::kAddrB, 7402, 50);
        code = run.wait_exit(1);
    }
    EXPECT_EQ(code, 3) << run.stderr_text();
    auto err = run.stderr_text();
    EXPECT_NE(
        err.find("ftnettrace: -w " + file + ": No space left on device (the file is incomplete)"),
        std::string::npos)
        << err;
    if (code == -1000) run.stop(SIGTERM);
}

TEST_F(PcapngLive, WriteOntoASymlinkExitsTwoAndLeavesItsTarget) {
    std::string target = dir_ + "/target", link = dir_ + "/link.pcapng";
    shell("echo keep > '" + target + "' && ln -s '" + target + "' '" + link + "'");
    std::string out, err;
    EXPECT_EQ(run_tool({"--drop", "-w", link}, &out, &err), 2) << err;
    EXPECT_NE(err.find("is a symbolic link (refused)"), std::string::npos) << err;
    EXPECT_EQ(shell_output("cat '" + target + "'"), "keep\n");
    EXPECT_EQ(err.find("tracing"), std::string::npos) << err;  // refused before attaching
}

TEST_F(PcapngLive, SnaplenWithoutWriteAndWriteWithSummaryExitTwo) {
    std::string out, err;
    EXPECT_EQ(run_tool({"--drop", "--snaplen", "64"}, &out, &err), 2);
    EXPECT_NE(err.find("--snaplen goes with -w FILE"), std::string::npos) << err;
    EXPECT_EQ(run_tool({"--drop", "--summary", "-w", dir_ + "/x"}, &out, &err), 2);
    EXPECT_EQ(run_tool({"--reset", "-w", dir_ + "/x"}, &out, &err), 2);
    EXPECT_NE(err.find("--write does not apply to --reset"), std::string::npos) << err;
}

}  // namespace
}  // namespace ftnt::test
