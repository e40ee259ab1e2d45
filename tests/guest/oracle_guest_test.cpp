// An oracle ftnettrace did not write: the kernel's own function tracer, in a trace instance
// of its own, lists which of the probed functions ran for one ping; ftnettrace's blocks for
// that ping must hold the same calls, each block in the order the kernel made them, and
// nothing else. The ping runs alone in two namespaces (static neighbours, IPv6 off), so
// every call the function tracer sees while it runs is the ping's.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

using nlohmann::json;

void write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    out.flush();
    ASSERT_TRUE(out.good()) << "cannot write " << path;
}

// A trace instance with the function tracer, removed on every path.
class FunctionTracer {
  public:
    explicit FunctionTracer(const std::set<std::string>& functions)
        : dir_(std::filesystem::path(tracefs_file("instances")) /
               ("ftnettrace-oracle-" + std::to_string(::getpid()))) {
        std::filesystem::create_directory(dir_);
        std::string filter;
        for (const auto& f : functions) filter += f + "\n";
        write_file(dir_ / "set_ftrace_filter", filter);
        write_file(dir_ / "trace_clock", "mono");
        write_file(dir_ / "tracing_on", "0");
        write_file(dir_ / "current_tracer", "function");
    }
    ~FunctionTracer() {
        write_file(dir_ / "tracing_on", "0");
        write_file(dir_ / "current_tracer", "nop");
        write_file(dir_ / "set_ftrace_filter", "");
        ::rmdir(dir_.c_str());
    }
    void on(bool enabled) { write_file(dir_ / "tracing_on", enabled ? "1" : "0"); }
    std::string filter() const {
        return shell_output("cat " + (dir_ / "set_ftrace_filter").string());
    }
    // The functions called, in the order the kernel made the calls.
    std::vector<std::string> calls() const {
        std::ifstream in(dir_ / "trace");
        std::vector<std::string> out;
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            auto colon = line.find(": ");
            if (colon == std::string::npos) continue;
            std::string rest = line.substr(colon + 2);
            out.push_back(rest.substr(0, rest.find(" <-")));
        }
        return out;
    }

  private:
    std::filesystem::path dir_;
};

// event name -> function of every kprobe (not kretprobe) of the run's group.
std::map<std::string, std::string> kprobes_of(pid_t tool) {
    std::map<std::string, std::string> out;
    std::istringstream lines(shell_output("cat " + tracefs_file("kprobe_events")));
    std::string line, prefix = "p:ftnettrace_" + std::to_string(tool) + "/";
    while (std::getline(lines, line)) {
        if (!line.starts_with(prefix)) continue;
        std::istringstream words(line.substr(prefix.size()));
        std::string event, function;
        words >> event >> function;
        out[event] = function;
    }
    return out;
}

// The catalog's points that free an skb: the tracker stops at the first of them, while the
// function tracer sees the whole chain (consume_skb's kfree_skbmem after the tracepoint).
std::set<std::string> free_points() {
    std::set<std::string> out;
    for (const auto& entry : std::filesystem::directory_iterator(FTNT_CATALOG)) {
        if (entry.path().extension() != ".def") continue;
        std::ifstream in(entry.path());
        std::string line, section;
        while (std::getline(in, line)) {
            if (line.starts_with("[kprobe ")) section = line.substr(8, line.find(']') - 8);
            if (line == "lifecycle = free" && !section.empty()) out.insert(section);
        }
    }
    return out;
}

std::string event_name(const std::string& func) {
    std::string out;
    for (char c : func) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

TEST_F(PathGuest, OnePingsBlocksShowWhatTheFunctionTracerSees) {
    NetnsPair ns("oracle");
    std::string veth = "ftnt" + std::to_string(::getpid() % 100000);
    auto mac = [&](const std::string& netns, const std::string& dev) {
        auto text = shell_output("ip -n " + netns + " -o link show " + dev +
                                 " | sed -n 's/.*link\\/ether \\([0-9a-f:]*\\).*/\\1/p'");
        return text.substr(0, text.find('\n'));
    };
    for (const auto& [netns, dev, peer, peer_dev, peer_ip] :
         {std::tuple{ns.a(), veth + "a", ns.b(), veth + "b", NetnsPair::kAddrB},
          std::tuple{ns.b(), veth + "b", ns.a(), veth + "a", NetnsPair::kAddrA}}) {
        ASSERT_EQ(ns.run(netns, "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 && ip neigh replace " +
                                    std::string(peer_ip) + " lladdr " + mac(peer, peer_dev) +
                                    " dev " + dev + " nud permanent"),
                  0);
    }
    ToolRun tool({"-o", "json", "--addr", NetnsPair::kAddrA, "-p", "icmp"});
    ASSERT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
    auto probes = kprobes_of(tool.pid());
    auto frees = free_points();
    std::set<std::string> traced;
    std::map<std::string, std::string> function_of_event;
    for (const auto& [event, function] : probes) {
        function_of_event[event] = function;
        bool is_free = false;
        for (const auto& f : frees) is_free = is_free || event_name(f) == event;
        if (!is_free) traced.insert(function);
    }
    ASSERT_GT(traced.size(), 20u);
    std::vector<std::string> oracle;
    {
        FunctionTracer tracer(traced);
        ASSERT_FALSE(tracer.filter().empty());
        tracer.on(true);
        EXPECT_EQ(ns.run(ns.a(), "ping -c 1 -W 5 192.0.2.2 >/dev/null"), 0);
        usleep(500'000);
        tracer.on(false);
        oracle = tracer.calls();
    }
    usleep(1'500'000);
    ASSERT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
    ASSERT_FALSE(oracle.empty());

    // ftnettrace's blocks: each one packet of this ping, its kprobe calls in kernel order.
    std::multiset<std::string> shown;
    std::vector<std::vector<std::string>> blocks;
    for (const auto& line : tool.stdout_lines()) {
        json p = parse_json_line(line);
        if (p.value("type", "") != "packet") continue;
        std::vector<std::string> calls;
        std::set<int> icmp_types;
        for (const auto& e : p["events"]) {
            if (e.contains("icmp_type")) icmp_types.insert(e["icmp_type"].get<int>());
            auto it = function_of_event.find(event_name(e.value("func", "")));
            if (it == function_of_event.end() || !traced.count(it->second)) continue;
            calls.push_back(it->second);
            shown.insert(it->second);
        }
        EXPECT_LE(icmp_types.size(), 1u) << "two packets in one block: " << p.dump();
        blocks.push_back(calls);
    }
    std::multiset<std::string> called(oracle.begin(), oracle.end());
    EXPECT_EQ(shown, called) << "function tracer: " << ::testing::PrintToString(oracle)
                             << "\nftnettrace: " << ::testing::PrintToString(blocks);
    // Each block's calls appear in the function tracer's list in the same order.
    for (const auto& calls : blocks) {
        auto at = oracle.begin();
        for (const auto& call : calls) {
            at = std::find(at, oracle.end(), call);
            ASSERT_NE(at, oracle.end())
                << call << " out of order in " << ::testing::PrintToString(calls) << "\nvs "
                << ::testing::PrintToString(oracle);
            ++at;
        }
    }
}

}  // namespace
}  // namespace ftnt::test
