// Every flag with hostile values: in-process through the parser (many cases), and through the
// real binary as root (fewer): it must end with 0, 1 or 2 (never a signal, never 134), say
// why on one bounded line when it refuses, and leave no instance, kprobe group, state file or
// rule behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/options.h"
#include "mutator.h"

namespace ftnt::fuzz {
namespace {

struct Flag {
    std::string name;
    bool takes_value;
    std::vector<std::string> good;  // accepted values to mutate from
};

const std::vector<Flag>& flags() {
    static const std::vector<Flag> kFlags = {
        {"--reason", true, {"NO_SOCKET", "NO_SOCKET,TCP_CSUM"}},
        {"--exclude-reason", true, {"NOT_SPECIFIED"}},
        {"-p", true, {"tcp", "ipv4,udp"}},
        {"--drop-stack", false, {}},
        {"--summary", false, {}},
        {"--interval", true, {"1", "0.5"}},
        {"-s", true, {"192.0.2.1", "2001:db8::1"}},
        {"-d", true, {"192.0.2.2"}},
        {"--addr", true, {"192.0.2.0/24"}},
        {"-S", true, {"80"}},
        {"-D", true, {"443"}},
        {"-P", true, {"53"}},
        {"--netns", true, {"4026531840", "ftnt-none"}},
        {"--netns-current", false, {}},
        {"--pid", true, {"1"}},
        {"--pkt-len", true, {"60", "60-1500"}},
        {"--tcp-flags", true, {"SA"}},
        {"--icmp-id", true, {"7"}},
        {"-t", true, {"link-in", "ip-in,tcp-in"}},
        {"--basic", false, {}},
        {"--detail", false, {}},
        {"--ret", false, {}},
        {"--hooks", false, {}},
        {"--trace-stack", true, {"ip_rcv"}},
        {"--min-latency", true, {"0.5"}},
        {"--kprobe", true, {"ip_rcv len=+112(%di):u32"}},
        {"--kretprobe", true, {"ip_rcv"}},
        {"--btf", true, {"/sys/kernel/btf/vmlinux"}},
        {"--vmlinux", true, {"/bin/true"}},
        {"--steps-only", false, {}},
        {"-c", true, {"5"}},
        {"--duration", true, {"1", "0.25"}},
        {"-o", true, {"json", "text"}},
        {"--date", false, {}},
        {"--ring-pages", true, {"64"}},
        {"--catalog", true, {FTNT_CATALOG}},
        {"--check", false, {}},
        {"--drop", false, {}},
        {"--cleanup", false, {}},
    };
    return kFlags;
}

std::string hostile_value(Mutator& m, const Flag& flag) {
    static const std::vector<std::string> kHostile = {"",
                                                      " ",
                                                      ",",
                                                      ",,",
                                                      "-",
                                                      "abc",
                                                      "inf",
                                                      "-inf",
                                                      "nan",
                                                      "1e-9",
                                                      "1e308",
                                                      "-1",
                                                      "0",
                                                      "18446744073709551616",
                                                      "99999999999999999999999",
                                                      std::string(300, '9'),
                                                      std::string(10000, 'a'),
                                                      "\xc3\xa9\xe2\x80\xae",
                                                      "\xff\xfe",
                                                      "1-2-3",
                                                      "a\nb",
                                                      "%n%s",
                                                      "../../../../etc/passwd",
                                                      "/dev/zero",
                                                      "/proc/kcore",
                                                      "/",
                                                      "0x10",
                                                      "1,bogus",
                                                      "bogus",
                                                      "ftnettrace:1",
                                                      "$(id)"};
    if (!flag.good.empty() && m.chance(40)) return m.mutate(m.pick(flag.good));
    return m.pick(kHostile);
}

std::vector<std::string> hostile_args(Mutator& m, const std::vector<std::string>& context) {
    std::vector<std::string> args = context;
    int count = 1 + static_cast<int>(m.below(2));
    for (int i = 0; i < count; ++i) {
        const auto& flag = m.pick(flags());
        args.push_back(flag.name);
        if (flag.takes_value) args.push_back(hostile_value(m, flag));
    }
    return args;
}

// The parser alone: many cases, stderr silenced.
TEST(FuzzCommandLine, ParserNeverThrowsOrAborts) {
    Mutator m(11);
    int saved = ::dup(2);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 2);
    int cases = 0, accepted = 0;
    const std::vector<std::vector<std::string>> contexts = {
        {}, {"--drop"}, {"--check"}, {"--cleanup"}, {"--iptables-trace"}, {"faddr2line"}};
    for (; cases < 20000; ++cases) {
        auto args = hostile_args(m, m.pick(contexts));
        args.insert(args.begin(), "ftnettrace");
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        auto result = parse_command_line(static_cast<int>(argv.size()), argv.data());
        if (result.options) {
            ++accepted;
            EXPECT_TRUE(std::isfinite(result.options->duration_seconds));
            EXPECT_TRUE(std::isfinite(result.options->interval_seconds));
        } else {
            EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 2) << args[1];
        }
    }
    ::dup2(saved, 2);
    ::close(saved);
    ::close(null);
    std::cerr << "command lines (in-process): " << cases << " cases, " << accepted << " accepted\n";
}

struct Outcome {
    bool exited = false;
    int code = 0, signal = 0;
    std::string err;
    pid_t pid = 0;
};

Outcome run_binary(const std::vector<std::string>& args, int seconds) {
    char err_path[] = "/tmp/ftnt-fuzz-err-XXXXXX";
    int err_fd = ::mkstemp(err_path);
    Outcome outcome;
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(err_fd, 2);
        std::vector<std::string> full = args;
        full.insert(full.begin(), FTNT_BINARY);
        std::vector<char*> argv;
        for (auto& a : full) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    outcome.pid = pid;
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            outcome.err = "still running after " + std::to_string(seconds) + " s";
            ::close(err_fd);
            ::unlink(err_path);
            return outcome;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    outcome.exited = WIFEXITED(status);
    outcome.code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    std::ifstream in(err_path);
    outcome.err = {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ::close(err_fd);
    ::unlink(err_path);
    return outcome;
}

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

std::string shell_output(const std::string& command) {
    std::string out;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (auto n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
        ::pclose(pipe);
    }
    return out;
}

std::string printable(const std::vector<std::string>& args) {
    std::string text;
    for (const auto& a : args) text += " '" + a.substr(0, 60) + (a.size() > 60 ? "...'" : "'");
    return text;
}

// The real binary. --iptables-trace runs only in a namespace made here.
TEST(FuzzCommandLine, BinaryEndsCleanlyAndLeavesNothing) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root: the binary runs as it would";
    Mutator m(12);
    std::string ns = "ftnt-" + std::to_string(::getpid()) + "-fuzz";
    ASSERT_EQ(std::system(("ip netns add " + ns).c_str()), 0);
    const std::vector<std::vector<std::string>> contexts = {
        {"--duration", "0.3"},
        {"--drop", "--duration", "0.3"},
        {"--check"},
        {"--cleanup"},
        {"faddr2line"},
        {"--iptables-trace", "--steps-only", "--netns", ns, "--duration", "0.3"}};
    auto start = std::chrono::steady_clock::now();
    int cases = 0;
    std::map<int, int> by_code;
    for (; cases < 150; ++cases) {
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(70)) break;
        const auto& context = m.pick(contexts);
        auto args = hostile_args(m, context);
        // Never a TRACE rule or a sysctl change outside the namespace made here.
        bool outside = false;
        for (std::size_t i = context.size(); i < args.size(); ++i)
            outside |= args[i] == "--netns" || args[i] == "--iptables-trace" ||
                       args[i] == "--log-invalid" || args[i].starts_with("--cleanup");
        if (outside && context[0] != "--check") continue;
        // --cleanup alone would take apart other test runs' leftovers.
        if (context[0] == "--cleanup" && args.size() == 1) continue;
        auto outcome = run_binary(args, 20);
        std::string what = "FTNT_FUZZ_SEED=" + std::to_string(seed()) + ":" + printable(args);
        ASSERT_TRUE(outcome.exited) << what << ": " << outcome.err << " signal " << outcome.signal;
        ++by_code[outcome.code];
        EXPECT_TRUE(outcome.code == 0 || outcome.code == 1 || outcome.code == 2)
            << what << ": exit " << outcome.code << "\n"
            << outcome.err;
        EXPECT_EQ(outcome.err.find("terminate called"), std::string::npos) << what;
        if (outcome.code == 2) {
            EXPECT_FALSE(outcome.err.empty()) << what;
            std::istringstream lines(outcome.err);
            std::string line;
            while (std::getline(lines, line)) EXPECT_LT(line.size(), 1200u) << what;
        }
        std::string pid = std::to_string(outcome.pid);
        EXPECT_FALSE(exists("/sys/kernel/tracing/instances/ftnettrace-" + pid)) << what;
        EXPECT_FALSE(exists("/run/ftnettrace/" + pid + ".state")) << what;
    }
    auto rules = shell_output("ip netns exec " + ns +
                              " sh -c 'iptables-legacy-save; iptables-nft-save; nft list "
                              "ruleset' 2>/dev/null");
    EXPECT_EQ(rules.find("ftnettrace"), std::string::npos) << rules;
    std::system(("ip netns del " + ns).c_str());
    std::cerr << "command lines (binary): " << cases << " cases;";
    for (auto [code, n] : by_code) std::cerr << " exit " << code << ": " << n;
    std::cerr << "\n";
}

}  // namespace
}  // namespace ftnt::fuzz
