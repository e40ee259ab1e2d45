// Output and signal faults a careless or hostile user meets: a closed or slow reader, a full
// disk, signals at start or inherited as ignored, task names made to forge output. Each run's
// kernel state (trace instance, TRACE rules, sysctls, state file) must be gone at its end.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void enter_netns(const std::string& netns) {
    int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
}

// UDP datagrams to a closed port of `address`, from a child in `netns`: NO_SOCKET drops as
// fast as it can, for at most `seconds` and 20 million datagrams. Killed by the destructor.
class UdpFlood {
  public:
    UdpFlood(const std::string& netns, const char* address, int port, int seconds) {
        pid_ = ::fork();
        if (pid_ != 0) return;
        enter_netns(netns);
        ::alarm(static_cast<unsigned>(seconds) + 1);
        sockaddr_in to = {};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET, address, &to.sin_addr);
        int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        char payload[16] = "ftnettrace-test";
        auto end = Clock::now() + std::chrono::seconds(seconds);
        for (int i = 0; i < 20'000'000 && Clock::now() < end; ++i)
            ::sendto(s, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
        ::_exit(0);
    }
    ~UdpFlood() {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }

  private:
    pid_t pid_ = -1;
};

// How the child's process starts: its stdout, its inherited signal dispositions, the
// largest file it may write (`ulimit -f`, in bytes; 0: unlimited).
struct Launch {
    int stdout_fd = -1;  // -1: a file
    std::vector<int> ignored;
    rlim_t file_size_limit = 0;
};

// The tool with a stdout of the test's choosing; stderr in a file. Killed (and its trace
// instance removed) by the destructor when a test fails midway.
class Launched {
  public:
    Launched(std::vector<std::string> args, const Launch& launch) {
        static int counter = 0;
        err_path_ = "/tmp/ftnt-test-" + std::to_string(::getpid()) + "-out" +
                    std::to_string(counter++) + ".err";
        out_path_ = err_path_ + ".out";
        args.insert(args.begin(), FTNT_BINARY);
        pid_ = ::fork();
        if (pid_ != 0) return;
        int out = launch.stdout_fd >= 0
                      ? launch.stdout_fd
                      : ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        for (int signal_number : launch.ignored) ::signal(signal_number, SIG_IGN);
        if (launch.file_size_limit) {
            rlimit limit = {launch.file_size_limit, launch.file_size_limit};
            if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(126);
        }
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    ~Launched() {
        if (code_ == kRunning) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        if (instance_exists(pid_))
            ::rmdir(("/sys/kernel/tracing/instances/ftnettrace-" + std::to_string(pid_)).c_str());
        ::unlink(err_path_.c_str());
        ::unlink(out_path_.c_str());
    }
    Launched(const Launched&) = delete;
    Launched& operator=(const Launched&) = delete;

    // The exit code (-signal when killed), or kRunning after `seconds`.
    int wait_exit(double seconds) {
        auto end = Clock::now() + std::chrono::duration<double>(seconds);
        do {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
                return code_;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        } while (Clock::now() < end);
        return kRunning;
    }
    bool wait_ready(int seconds = 15) {
        for (int i = 0; i < seconds * 100; ++i) {
            if (err().find("ftnettrace: tracing ") != std::string::npos) return true;
            if (wait_exit(0) != kRunning) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return false;
    }
    void signal(int signal_number) const { ::kill(pid_, signal_number); }
    std::string err() const { return read_text(err_path_); }
    std::string out() const { return read_text(out_path_); }
    pid_t pid() const { return pid_; }
    // The child runs the tool (after exec), not the test's fork.
    bool execed() const {
        char target[4096];
        auto link = "/proc/" + std::to_string(pid_) + "/exe";
        ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
        return n > 0 && std::string(target, static_cast<std::size_t>(n)) == FTNT_BINARY;
    }
    // An open file of the tool's discovery: tracefs, BTF or kallsyms.
    bool discovering() const {
        auto dir = "/proc/" + std::to_string(pid_) + "/fd";
        for (int fd = 3; fd < 32; ++fd) {
            char target[4096];
            auto link = dir + "/" + std::to_string(fd);
            ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
            if (n <= 0) continue;
            std::string path(target, static_cast<std::size_t>(n));
            if (path.starts_with("/sys/kernel/") || path == "/proc/kallsyms") return true;
        }
        return false;
    }
    // A line of /proc/PID/status ("SigBlk"), as its hex mask.
    uint64_t status_mask(const std::string& key) const {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind(key + ":", 0) == 0)
                return std::stoull(line.substr(key.size() + 1), nullptr, 16);
        return 0;
    }

    static constexpr int kRunning = -1000;

  private:
    pid_t pid_ = -1;
    int code_ = kRunning;
    std::string err_path_, out_path_;
};

struct Pipe {
    Pipe() {
        int fds[2];
        EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
        read_end = fds[0];
        write_end = fds[1];
    }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() {
        if (read_end >= 0) ::close(read_end);
        read_end = -1;
    }
    void close_write() {
        if (write_end >= 0) ::close(write_end);
        write_end = -1;
    }
    // One line, waiting up to `seconds`.
    std::string read_line(int seconds) {
        std::string line;
        auto end = Clock::now() + std::chrono::seconds(seconds);
        ::fcntl(read_end, F_SETFL, O_NONBLOCK);
        while (Clock::now() < end) {
            char c;
            ssize_t n = ::read(read_end, &c, 1);
            if (n == 1 && c == '\n') return line;
            if (n == 1)
                line += c;
            else
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return line;
    }
    int read_end = -1, write_end = -1;
};

class OutputSafetyLive : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "live tests need root";
    }
};

// Item 1: `--drop -o json | head -1`.
TEST_F(OutputSafetyLive, ClosedOutputEndsADropRunThroughItsTeardown) {
    NetnsPair ns("pipe");
    Pipe pipe;
    Launched run({"--drop", "-o", "json"}, {pipe.write_end, {}});
    pipe.close_write();
    ASSERT_TRUE(run.wait_ready()) << run.err();
    UdpFlood flood(ns.a(), NetnsPair::kAddrB, 7301, 8);
    auto first = pipe.read_line(8);
    EXPECT_EQ(parse_json_line(first).value("type", ""), "drop") << first;
    pipe.close_read();  // what `head -1` does once it has its line
    int code = run.wait_exit(10);
    EXPECT_EQ(code, 0) << run.err();
    EXPECT_FALSE(instance_exists(run.pid()));
    EXPECT_NE(run.err().find("ftnettrace: output closed by its reader"), std::string::npos)
        << run.err();
    EXPECT_NE(run.err().find(" drops shown, "), std::string::npos) << run.err();
}

std::string trimmed_output(const std::string& command) {
    auto text = shell_output(command);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

// Item 1: `--iptables-trace ... | head -1` (iptables-legacy: TRACE rules, nf_log_all_netns,
// the state file).
TEST_F(OutputSafetyLive, ClosedOutputEndsAnIptablesTraceRunThroughItsTeardown) {
    if (shell("command -v iptables-legacy-save >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "iptables-legacy is needed";
    NetnsPair ns("pipenf");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p icmp -j ACCEPT"), 0);
    auto all_netns = trimmed_output("sysctl -n net.netfilter.nf_log_all_netns");
    Pipe pipe;
    Launched run({"--iptables-trace", "--netns", ns.b(), "-p", "icmp", "-o", "json"},
                 {pipe.write_end, {}});
    pipe.close_write();
    ASSERT_TRUE(run.wait_ready()) << run.err();
    std::string state = "/run/ftnettrace/" + std::to_string(run.pid()) + ".state";
    std::string first;
    for (int i = 0; i < 20 && first.empty(); ++i) {
        ping(ns.a(), NetnsPair::kAddrB);
        first = pipe.read_line(1);
    }
    EXPECT_EQ(parse_json_line(first).value("type", ""), "trace") << first;
    pipe.close_read();
    int code = Launched::kRunning;
    for (int i = 0; i < 20 && code == Launched::kRunning; ++i) {
        ping(ns.a(), NetnsPair::kAddrB);  // steps to write into the closed pipe
        code = run.wait_exit(0.5);
    }
    EXPECT_EQ(code, 0) << run.err();
    auto rules = shell_output("ip netns exec " + ns.b() + " iptables-legacy-save");
    EXPECT_EQ(rules.find("ftnettrace:" + std::to_string(run.pid())), std::string::npos) << rules;
    EXPECT_EQ(trimmed_output("sysctl -n net.netfilter.nf_log_all_netns"), all_netns);
    EXPECT_NE(::access(state.c_str(), F_OK), 0) << state << " is left";
    if (code != 0) shell(std::string(FTNT_BINARY) + " --cleanup >/dev/null 2>&1");
}

// Items 2 and 14's main cost: a reader that never reads, under a drop flood.
TEST_F(OutputSafetyLive, ReaderThatNeverReadsDoesNotHoldDuration) {
    NetnsPair ns("slow");
    Pipe pipe;  // its read end stays open and is never read
    Launched run({"--drop", "-o", "json", "--duration", "3"}, {pipe.write_end, {}});
    pipe.close_write();
    ASSERT_TRUE(run.wait_ready()) << run.err();
    auto start = Clock::now();
    UdpFlood flood(ns.a(), NetnsPair::kAddrB, 7302, 8);
    int code = run.wait_exit(10);
    double took = seconds_since(start);
    EXPECT_EQ(code, 0) << run.err();
    EXPECT_LT(took, 5.0) << run.err();
    EXPECT_FALSE(instance_exists(run.pid()));
    EXPECT_NE(run.err().find(" records not written: output too slow"), std::string::npos)
        << run.err();
}

TEST_F(OutputSafetyLive, SigintEndsARunWhoseReaderNeverReads) {
    NetnsPair ns("slowint");
    Pipe pipe;
    Launched run({"--drop", "-o", "json"}, {pipe.write_end, {}});
    pipe.close_write();
    ASSERT_TRUE(run.wait_ready()) << run.err();
    UdpFlood flood(ns.a(), NetnsPair::kAddrB, 7303, 8);
    std::this_thread::sleep_for(std::chrono::seconds(2));  // the pipe and the buffer fill
    auto start = Clock::now();
    run.signal(SIGINT);
    int code = run.wait_exit(10);
    EXPECT_EQ(code, 0) << run.err();
    EXPECT_LT(seconds_since(start), 2.0) << run.err();
    EXPECT_FALSE(instance_exists(run.pid()));
    EXPECT_NE(run.err().find(" records not written: output too slow"), std::string::npos)
        << run.err();
}

// Item 3: `--drop --duration 3 >/dev/full`.
TEST_F(OutputSafetyLive, WriteErrorIsReportedInMessageAndExitStatus) {
    NetnsPair ns("full");
    int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
    ASSERT_GE(full, 0);
    Launched run({"--drop", "--duration", "3"}, {full, {}});
    ::close(full);
    ASSERT_TRUE(run.wait_ready()) << run.err();
    UdpFlood flood(ns.a(), NetnsPair::kAddrB, 7304, 4);
    int code = run.wait_exit(10);
    EXPECT_EQ(code, 3) << run.err();
    EXPECT_NE(run.err().find("ftnettrace: output: No space left on device"), std::string::npos)
        << run.err();
    EXPECT_NE(run.err().find(", 0 drops shown, "), std::string::npos) << run.err();
    EXPECT_FALSE(instance_exists(run.pid()));
}

// `ulimit -f 8` and a JSON stdout file that outgrows it: the kernel sends SIGXFSZ at the
// write past the limit; ignored, the write fails with EFBIG and the run ends through its
// teardown (killed by it, the run left its trace instance).
TEST_F(OutputSafetyLive, FileSizeLimitIsAWriteErrorNotAKill) {
    NetnsPair ns("fsize");
    Launch launch;
    launch.file_size_limit = 8192;
    Launched run({"--drop", "-o", "json", "--duration", "5"}, launch);
    ASSERT_TRUE(run.wait_ready()) << run.err();
    UdpFlood flood(ns.a(), NetnsPair::kAddrB, 7305, 4);
    int code = run.wait_exit(15);
    EXPECT_EQ(code, 3) << run.err();
    EXPECT_NE(run.err().find("ftnettrace: output: File too large"), std::string::npos) << run.err();
    EXPECT_FALSE(instance_exists(run.pid()));
}

// Item 12: nohup's SIGHUP stays ignored; SIGINT and SIGTERM still end the run.
TEST_F(OutputSafetyLive, SighupIgnoredByTheParentStaysIgnored) {
    for (int stop_with : {SIGINT, SIGTERM}) {
        Launched run({"--drop"}, {-1, {SIGHUP}});
        ASSERT_TRUE(run.wait_ready()) << run.err();
        run.signal(SIGHUP);
        EXPECT_EQ(run.wait_exit(1.0), Launched::kRunning) << run.err();
        EXPECT_TRUE(instance_exists(run.pid()));
        run.signal(stop_with);
        EXPECT_EQ(run.wait_exit(10), 0) << run.err();
        EXPECT_FALSE(instance_exists(run.pid()));
    }
}

// Item 12: a signal sent while the run starts (before it could install handlers) is not lost,
// also when the parent ignored SIGINT (a background job). Sent as soon as the child holds the
// signals (SigBlk), reads what discovery reads, or has caught them (SigCgt).
TEST_F(OutputSafetyLive, SignalsAtStartAreNotLost) {
    constexpr uint64_t kIntBit = 1ull << (SIGINT - 1);
    for (int i = 0; i < 20; ++i) {
        Launched run({"--drop", "--duration", "20"}, {-1, {SIGINT}});
        auto forked = Clock::now();  // the child ignores SIGINT, then execs
        while (!run.execed() && Clock::now() - forked < 2s)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        // In main for sure: it holds the signals, or reads what discovery reads (tracefs,
        // BTF, kallsyms), or has its handler. Never sent while the loader runs (there an
        // ignored signal is lost whatever the program does).
        auto start = Clock::now();
        while (!(run.status_mask("SigBlk") & kIntBit) && !run.discovering() &&
               !(run.status_mask("SigCgt") & kIntBit) && Clock::now() - start < 5s)
            std::this_thread::sleep_for(std::chrono::microseconds(100));
        run.signal(SIGINT);
        int code = run.wait_exit(10);
        EXPECT_EQ(code, 0) << "run " << i << ": " << run.err();
        EXPECT_FALSE(instance_exists(run.pid())) << "run " << i;
        if (code == Launched::kRunning) break;
    }
    for (int i = 0; i < 30; ++i) {
        Launched run({"--drop", "--duration", "20"}, {-1, {}});
        run.signal(SIGTERM);
        int code = run.wait_exit(10);
        // Killed before main (nothing made yet) or ended through the teardown.
        EXPECT_TRUE(code == 0 || code == -SIGTERM) << "run " << i << ": " << code << run.err();
        EXPECT_FALSE(instance_exists(run.pid())) << "run " << i;
        if (code == Launched::kRunning) break;
    }
}

// Item 13: a task named to forge output, dropping UDP on its namespace's loopback (the drop
// happens in its own context, so the drop carries its name).
const std::string kHostileComm = "q\"\nFAKE\xff\x01";

void hostile_udp(const std::string& netns, int port) {
    pid_t child = ::fork();
    if (child == 0) {
        enter_netns(netns);
        ::alarm(5);
        ::prctl(PR_SET_NAME, kHostileComm.c_str());
        sockaddr_in to = {};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(port));
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int s = ::socket(AF_INET, SOCK_DGRAM, 0);
        for (int i = 0; i < 3; ++i) {
            ::sendto(s, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
            ::usleep(20'000);
        }
        ::_exit(0);
    }
    ::waitpid(child, nullptr, 0);
}

TEST_F(OutputSafetyLive, HostileTaskNameCannotBreakJsonOrForgeTextLines) {
    NetnsPair ns("comm");
    ASSERT_EQ(shell("ip -n " + ns.a() + " link set lo up"), 0);
    for (const char* format : {"json", "text"}) {
        Launched run({"--drop", "--reason", "NO_SOCKET", "-o", format}, {-1, {}});
        ASSERT_TRUE(run.wait_ready()) << run.err();
        hostile_udp(ns.a(), 7305);
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        run.signal(SIGINT);
        ASSERT_EQ(run.wait_exit(10), 0) << run.err();
        auto out = run.out();
        if (std::string(format) == "json") {
            int ours = 0;
            for (const auto& drop : parse_json_lines(out)) {  // fails on invalid UTF-8
                if (drop.value("dport", 0) != 7305) continue;
                ++ours;
                EXPECT_EQ(drop.value("comm", ""), "q\"\nFAKE\xef\xbf\xbd\x01") << drop.dump();
            }
            EXPECT_EQ(ours, 3) << out;
            continue;
        }
        int ours = 0;
        std::istringstream lines(out);
        for (std::string line; std::getline(lines, line);) {
            EXPECT_EQ(line.rfind('[', 0), 0u) << "not a record line: " << line;
            if (line.find(":7305 reason NO_SOCKET") == std::string::npos) continue;
            ++ours;
            EXPECT_NE(line.find("/q\"\\nFAKE\\xff\\x01 IPv4 UDP 127.0.0.1:"), std::string::npos)
                << line;
        }
        EXPECT_EQ(ours, 3) << out;
    }
}

}  // namespace
}  // namespace ftnt::test
