// Hostile files and values given to the real binary (issue 11, items 8-11 and 15): every one
// ends at once with exit 2 (or 1 for what the kernel refuses) and one line saying why, never
// a hang, a signal or a write outside tracefs.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "support/netns.h"
#include "support/tool_run.h"

namespace ftnt::test {
namespace {

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

std::string file_text(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class HostileInput : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        dir_ = "/var/tmp/ftnt-hostile-" + std::to_string(::getpid());
        ASSERT_EQ(shell("rm -rf " + dir_ + " && mkdir -p " + dir_ + "/catalog"), 0);
    }
    void TearDown() override { shell("rm -rf " + dir_); }

    // Runs the binary for at most `seconds`; the exit code, or -1000 when it had to be killed.
    int run_bounded(const std::vector<std::string>& args, std::string* err, int seconds = 10) {
        ToolRun run(args);
        int code = run.wait_exit(seconds);
        if (err) *err = run.stderr_text();
        return code;
    }

    std::string dir_;
};

// Item 8: a system name with "../" in a --catalog file would have the run write `enable` and
// `filter` files outside tracefs (here prepared so that the old code did: a copy of a real
// event's format and empty enable/filter files).
TEST_F(HostileInput, CatalogNamesThatLeaveTracefsAreRefused) {
    std::string fake = dir_ + "/fake/ev";
    ASSERT_EQ(shell("mkdir -p " + fake + " && cp /sys/kernel/tracing/events/skb/kfree_skb/format " +
                    fake + "/ && : > " + fake + "/enable && : > " + fake + "/filter && cp " +
                    "/sys/kernel/tracing/events/skb/kfree_skb/id " + fake + "/"),
              0);
    std::ofstream(dir_ + "/catalog/evil.def")
        << "# hostile\n[tracepoint ../../../../../../../.." << dir_ << "/fake:ev]\ngroup = evil\n";
    std::string err;
    int code = run_bounded({"-t", "evil", "--catalog", dir_ + "/catalog", "--duration", "1"}, &err);
    EXPECT_EQ(code, 2) << err;
    EXPECT_TRUE(contains(err, "evil.def:2")) << err;
    EXPECT_EQ(file_text(fake + "/enable"), "") << "a file outside tracefs was written";
    EXPECT_EQ(file_text(fake + "/filter"), "");
    std::ofstream(dir_ + "/catalog/evil.def") << "[kprobe ip_rcv\n";
    EXPECT_EQ(run_bounded({"--catalog", dir_ + "/catalog", "--check"}, &err), 2) << err;
    std::ofstream(dir_ + "/catalog/evil.def") << "[kprobe ip_rcv p:x/y]\n";
    EXPECT_EQ(run_bounded({"--catalog", dir_ + "/catalog", "--check"}, &err), 2) << err;
    std::ofstream(dir_ + "/catalog/evil.def") << "[kprobe ip_rcv]\naliases = a b\n";
    EXPECT_EQ(run_bounded({"--catalog", dir_ + "/catalog", "--check"}, &err), 2) << err;
}

// Item 9: a FIFO blocks a plain open and read for ever; /dev/zero never ends.
TEST_F(HostileInput, OnlyRegularFilesAreRead) {
    std::string fifo = dir_ + "/fifo";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::string err;
    EXPECT_EQ(run_bounded({"--check", "--btf", fifo}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "not a regular file")) << err;
    EXPECT_EQ(run_bounded({"--check", "--vmlinux", fifo}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "not a regular file")) << err;
    ASSERT_EQ(::mkfifo((dir_ + "/catalog/a.def").c_str(), 0600), 0);
    EXPECT_EQ(run_bounded({"--check", "--catalog", dir_ + "/catalog"}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "not a regular file")) << err;
    ::unlink((dir_ + "/catalog/a.def").c_str());
    ASSERT_EQ(::symlink("/dev/zero", (dir_ + "/catalog/z.def").c_str()), 0);
    EXPECT_EQ(run_bounded({"--check", "--catalog", dir_ + "/catalog"}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "not a regular file")) << err;
    ::unlink((dir_ + "/catalog/z.def").c_str());
    std::ofstream(dir_ + "/catalog/big.def") << std::string(2 << 20, '#');
    EXPECT_EQ(run_bounded({"--check", "--catalog", dir_ + "/catalog"}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "larger than 1 MB")) << err;
}

// Items 10 and 11 through the real binary: exit 2 and a line naming the flag, no abort.
TEST_F(HostileInput, BadValuesExitTwo) {
    std::string err;
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"--drop", "--ring-pages", "abc"},
             {"--drop", "--ring-pages", "18446744073709551616"},
             {"--netns", "99999999999999999999999"},
             {"--drop", "--duration", "nan"},
             {"--drop", "--hooks"},
             {"--cleanup", "--duration", "1"},
             {"-t", "bogus", "--duration", "1"},
             {"-t", "link-in,bogus", "--duration", "1"},
         }) {
        EXPECT_EQ(run_bounded(args, &err), 2) << args[0] << " " << args[1] << ": " << err;
        EXPECT_TRUE(contains(err, "ftnettrace: ")) << err;
        EXPECT_FALSE(contains(err, "terminate called")) << err;
        EXPECT_LT(err.size(), 400u) << err;
    }
    EXPECT_EQ(run_bounded({"faddr2line", "tcp_v4_rcv+0x99999999999999999999"}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "is not FUNC+0xOFF")) << err;
    EXPECT_EQ(run_bounded({"faddr2line", std::string(300, '9')}, &err), 2) << err;
    EXPECT_LT(err.size(), 200u) << "a long input is not echoed whole: " << err;
}

// Item 15: a corrupt --btf is named as such, not as a kernel without BTF.
TEST_F(HostileInput, CorruptBtfIsSaidToBeNotValidBtf) {
    std::ofstream(dir_ + "/bad.btf") << std::string(4096, '\x5a');
    std::string err;
    EXPECT_EQ(run_bounded({"--check", "--btf", dir_ + "/bad.btf"}, &err), 2) << err;
    EXPECT_TRUE(contains(err, "is not valid BTF")) << err;
    EXPECT_FALSE(contains(err, "CONFIG_DEBUG_INFO_BTF")) << err;
}

// Item 15: root without CAP_NET_ADMIN is told that, not "kernel without nf_tables trace".
TEST_F(HostileInput, MissingCapNetAdminIsNamed) {
    if (shell("command -v capsh >/dev/null && command -v nft >/dev/null") != 0)
        GTEST_SKIP() << "capsh and nft are needed";
    NetnsPair ns("cap");
    auto out = shell_output("capsh --drop=cap_net_admin -- -c '" FTNT_BINARY
                            " --iptables-trace --steps-only --netns " +
                            ns.b() + " -p icmp --duration 1' 2>&1; echo EXIT=$?");
    EXPECT_TRUE(contains(out, "EXIT=1")) << out;
    EXPECT_TRUE(contains(out, "CAP_NET_ADMIN")) << out;
    EXPECT_FALSE(contains(out, "4.6+")) << out;
}

}  // namespace
}  // namespace ftnt::test
