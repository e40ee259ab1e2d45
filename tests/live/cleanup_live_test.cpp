// --cleanup on the machine's own kernel (issue 11, items 4-7): it removes only what a dead run
// recorded, never what a live run uses (in any pid namespace), never a rule that is not ours,
// and it cleans each thing on its own. tracefs is never unmounted under another run.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

bool have(const std::string& command) {
    return shell("command -v " + command + " >/dev/null 2>&1") == 0;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

std::string all_netns_value() {
    return trimmed(shell_output("sysctl -n net.netfilter.nf_log_all_netns"));
}

std::string rules_in(const std::string& ns) {
    std::string prefix = "ip netns exec " + ns + " ";
    std::string all;
    for (const char* dump :
         {"iptables-legacy-save", "ip6tables-legacy-save", "iptables-nft-save", "nft list tables"})
        all += shell_output(prefix + dump + " 2>/dev/null");
    return all;
}

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

// A pid that no process has on this host (below pid_max), for a run in a pid namespace.
int free_host_pid() {
    std::ifstream in("/proc/sys/kernel/pid_max");
    int pid_max = 32768;
    in >> pid_max;
    for (int pid = pid_max - 100; pid > 1000; --pid)
        if (::kill(pid, 0) != 0 && errno == ESRCH) return pid;
    return 0;
}

bool dir_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

class CleanupLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
        if (!dir_exists("/sys/kernel/tracing/instances"))
            GTEST_SKIP() << "tracefs must be mounted at /sys/kernel/tracing";
    }
};

// Item 4a: a killed run left nf_log_all_netns=1 and its record; a live run found it set.
// --cleanup must neither restore it under the live run nor touch the live run's rules.
TEST_F(CleanupLive, LiveRunKeepsItsRulesAndTheSysctlItDependsOn) {
    if (!have("iptables-legacy")) GTEST_SKIP() << "iptables-legacy is needed";
    std::string before = all_netns_value();
    NetnsPair ns("live");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p icmp -j DROP"), 0);
    pid_t dead = 0;
    {
        ToolRun killed({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "--steps-only"});
        ASSERT_TRUE(killed.wait_ready()) << killed.stderr_text();
        dead = killed.pid();
        EXPECT_EQ(killed.stop(SIGKILL), -SIGKILL);
    }
    ASSERT_EQ(all_netns_value(), "1");
    ToolRun live({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "--steps-only"});
    ASSERT_TRUE(live.wait_ready()) << live.stderr_text();
    std::string tag = "ftnettrace:" + std::to_string(live.pid());

    std::string out;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, nullptr), 0) << out;
    auto rules = rules_in(ns.b());
    EXPECT_FALSE(contains(rules, "ftnettrace:" + std::to_string(dead))) << rules;
    EXPECT_TRUE(contains(rules, tag)) << "--cleanup removed a live run's rule:\n" << out;
    EXPECT_EQ(all_netns_value(), "1") << "--cleanup restored a sysctl a live run needs:\n" << out;

    // The live run still sees its packets, and restores the value from before both runs.
    ping(ns.a(), NetnsPair::kAddrB);
    for (int i = 0; i < 50 && !contains(live.stdout_text(), "DROP"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_TRUE(contains(live.stdout_text(), "filter:INPUT:rule 1")) << live.stdout_text();
    EXPECT_EQ(live.stop(SIGINT), 0) << live.stderr_text();
    EXPECT_EQ(all_netns_value(), before) << live.stderr_text();
    EXPECT_FALSE(contains(rules_in(ns.b()), "ftnettrace:")) << rules_in(ns.b());
}

// Item 4b: a run in its own pid namespace has a pid that means nothing on the host (here one
// no host process has): the host's --cleanup must still see it alive (its lock is held).
TEST_F(CleanupLive, RunInAnotherPidNamespaceSurvivesTheHostsCleanup) {
    int pid = free_host_pid();
    ASSERT_GT(pid, 0);
    std::string dir = "/tmp/ftnt-pidns-" + std::to_string(::getpid());
    std::string script = R"(
set -u
D=)" + dir + R"(; P=)" + std::to_string(pid) +
                         R"(; BIN=)" FTNT_BINARY R"(
mkdir -p $D
unshare --pid --fork --mount-proc sh -c "echo $((P-1)) > /proc/sys/kernel/ns_last_pid; $BIN --drop >/dev/null 2>$D/err; echo \$? > $D/exit" &
for i in $(seq 150); do grep -q 'ftnettrace: tracing' $D/err 2>/dev/null && break; sleep 0.1; done
grep -q 'ftnettrace: tracing' $D/err && echo READY
$BIN --cleanup > $D/cleanup 2>&1; echo CLEANUP_EXIT=$?
[ -d /sys/kernel/tracing/instances/ftnettrace-$P ] && echo KEPT
HOST=$(grep -l "^NSpid:.*[[:space:]]$P\$" /proc/[0-9]*/status 2>/dev/null | head -1 | cut -d/ -f3)
[ -n "$HOST" ] && kill -INT $HOST
for i in $(seq 150); do [ -s $D/exit ] && break; sleep 0.1; done
echo RUN_EXIT=$(cat $D/exit 2>/dev/null)
[ -d /sys/kernel/tracing/instances/ftnettrace-$P ] && echo LEFT
cat $D/cleanup | sed 's/^/cleanup: /'
wait
rm -rf $D
)";
    std::ofstream(dir + ".sh") << script;
    auto result = shell_output("bash " + dir + ".sh 2>&1");
    ::unlink((dir + ".sh").c_str());
    EXPECT_TRUE(contains(result, "READY")) << result;
    EXPECT_TRUE(contains(result, "KEPT")) << "the host's --cleanup removed a live run:\n" << result;
    EXPECT_TRUE(contains(result, "RUN_EXIT=0")) << result;
    EXPECT_FALSE(contains(result, "LEFT")) << result;
    // Whatever happened, nothing of it stays.
    ::rmdir(("/sys/kernel/tracing/instances/ftnettrace-" + std::to_string(pid)).c_str());
}

// Item 5: rules that mention ftnettrace:<dead pid> but were not made by a run stay; what a
// SIGKILLed run recorded goes.
TEST_F(CleanupLive, OnlyRecordedRulesAreRemoved) {
    if (!have("iptables-legacy") || !have("nft")) GTEST_SKIP() << "iptables-legacy and nft";
    int fake = free_host_pid();
    std::string tag = "ftnettrace:" + std::to_string(fake);
    NetnsPair ns("decoy");
    std::string decoys =
        "iptables-legacy -A INPUT -p tcp -m comment --comment \"owned by ops, see " + tag +
        " ticket\" -j ACCEPT && iptables-legacy -A INPUT -p udp -j LOG --log-prefix \"" + tag +
        " \" && nft add table ip ftnettrace_" + std::to_string(fake) +
        " && iptables-legacy -A OUTPUT -p tcp -m comment --comment " + tag +
        " -j ACCEPT && iptables-legacy -A INPUT -p icmp -j ACCEPT";  // legacy is in use
    ASSERT_EQ(shell("ip netns exec " + ns.b() + " sh -c '" + decoys + "'"), 0);
    pid_t killed_pid = 0;
    {
        ToolRun killed({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "--steps-only"});
        ASSERT_TRUE(killed.wait_ready()) << killed.stderr_text();
        killed_pid = killed.pid();
        EXPECT_EQ(killed.stop(SIGKILL), -SIGKILL);
    }
    std::string killed_tag = "ftnettrace:" + std::to_string(killed_pid);
    std::string killed_table = "ftnettrace_" + std::to_string(killed_pid);
    ASSERT_TRUE(contains(rules_in(ns.b()), killed_tag)) << rules_in(ns.b());
    std::string out;
    EXPECT_EQ(run_tool({"--cleanup"}, &out, nullptr), 0) << out;
    auto rules = rules_in(ns.b());
    EXPECT_FALSE(contains(rules, killed_tag)) << rules << out;
    EXPECT_FALSE(contains(rules, killed_table)) << rules << out;
    EXPECT_TRUE(contains(rules, "owned by ops, see " + tag + " ticket")) << out;
    EXPECT_TRUE(contains(rules, "--log-prefix \"" + tag)) << out;
    EXPECT_TRUE(contains(rules, "table ip ftnettrace_" + std::to_string(fake))) << out;
    EXPECT_TRUE(contains(rules, "-A OUTPUT -p tcp -m comment --comment " + tag + " -j ACCEPT") ||
                contains(rules, "-A OUTPUT -p tcp -m comment --comment \"" + tag + "\" -j ACCEPT"))
        << "a rule of the same shape, not recorded by any run, stays\n"
        << rules << out;
    // The namespace goes with the decoys in it (NetnsPair's destructor).
}

// Item 6: run A mounts tracefs in a mount namespace without it, run B starts, A ends: B must
// still see its instance and remove it.
TEST_F(CleanupLive, TracefsMountedByOneRunStaysForTheOther) {
    std::string dir = "/tmp/ftnt-mnt-" + std::to_string(::getpid());
    std::string script = R"(
set -u
D=)" + dir + R"(; BIN=)" FTNT_BINARY R"(
mkdir -p $D
umount /sys/kernel/debug/tracing 2>/dev/null; umount /sys/kernel/tracing 2>/dev/null
[ -e /sys/kernel/tracing/README ] && { echo STILL_MOUNTED; exit 0; }
ready() { for i in $(seq 150); do grep -q 'ftnettrace: tracing' $1 2>/dev/null && return 0; sleep 0.1; done; return 1; }
$BIN --drop >/dev/null 2>$D/a & A=$!
ready $D/a && echo A_READY
$BIN --drop >/dev/null 2>$D/b & B=$!
ready $D/b && echo B_READY
echo B_PID=$B
kill -INT $A; wait $A; echo A_EXIT=$?
[ -d /sys/kernel/tracing/instances/ftnettrace-$B ] && echo B_INSTANCE_SEEN
kill -INT $B; wait $B; echo B_EXIT=$?
sed 's/^/b: /' $D/b
rm -rf $D
)";
    std::ofstream(dir + ".sh") << script;
    auto result = shell_output("unshare --mount --propagation private bash " + dir + ".sh 2>&1");
    ::unlink((dir + ".sh").c_str());
    ASSERT_FALSE(contains(result, "STILL_MOUNTED")) << result;
    EXPECT_TRUE(contains(result, "A_READY") && contains(result, "B_READY")) << result;
    EXPECT_TRUE(contains(result, "B_INSTANCE_SEEN")) << result;
    EXPECT_TRUE(contains(result, "B_EXIT=0")) << result;
    auto at = result.find("B_PID=");
    ASSERT_NE(at, std::string::npos) << result;
    pid_t b = std::stoi(result.substr(at + 6));
    EXPECT_FALSE(instance_exists(b)) << "run B left its instance:\n" << result;
    ::rmdir(("/sys/kernel/tracing/instances/ftnettrace-" + std::to_string(b)).c_str());
}

// Item 7: an instance name that is no pid is reported and skipped; the rest is cleaned.
TEST_F(CleanupLive, OddInstanceNameIsSkippedAndTheRestCleaned) {
    std::string odd = "/sys/kernel/tracing/instances/ftnettrace-99999999999";
    int dead = free_host_pid();
    std::string stale = "/sys/kernel/tracing/instances/ftnettrace-" + std::to_string(dead);
    ASSERT_EQ(::mkdir(odd.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir(stale.c_str(), 0755), 0);
    std::string out, err;
    int status = run_tool({"--cleanup"}, &out, &err);
    ::rmdir(odd.c_str());
    bool stale_left = ::rmdir(stale.c_str()) == 0;
    EXPECT_EQ(status, 0) << out << err;
    EXPECT_TRUE(contains(out, "skipped tracefs instance ftnettrace-99999999999")) << out << err;
    EXPECT_TRUE(contains(out, "removed tracefs instance ftnettrace-" + std::to_string(dead)))
        << out << err;
    EXPECT_FALSE(stale_left);
}

// Item 7: with tracefs not mounted (in this mount namespace) --cleanup mounts it and looks,
// instead of saying "nothing left behind" while an instance is there.
TEST_F(CleanupLive, CleanupLooksEvenWhenTracefsIsNotMounted) {
    int dead = free_host_pid();
    std::string stale = "/sys/kernel/tracing/instances/ftnettrace-" + std::to_string(dead);
    ASSERT_EQ(::mkdir(stale.c_str(), 0755), 0);
    auto result = shell_output(
        "unshare --mount --propagation private sh -c 'umount /sys/kernel/debug/tracing "
        "2>/dev/null; umount /sys/kernel/tracing; " FTNT_BINARY " --cleanup' 2>&1");
    bool stale_left = ::rmdir(stale.c_str()) == 0;
    EXPECT_TRUE(contains(result, "removed tracefs instance ftnettrace-" + std::to_string(dead)))
        << result;
    EXPECT_FALSE(contains(result, "nothing left behind")) << result;
    EXPECT_FALSE(stale_left);
}

}  // namespace
}  // namespace ftnt::test
