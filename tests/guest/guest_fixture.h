// The fixture of the guest tests: skips where kprobes are missing, runs the tool with JSON
// output around some traffic, and checks that no probe of ours is left behind.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <vector>

#include "support/netns.h"
#include "support/tool_run.h"
#include "support/traffic.h"

namespace ftnt::test {

inline std::string tracefs_file(const char* name) {
    for (const char* base : {"/sys/kernel/tracing/", "/sys/kernel/debug/tracing/"}) {
        std::string path = std::string(base) + name;
        if (::access(path.c_str(), F_OK) == 0) return path;
    }
    return "";
}

// Attaching ~70 kprobes under software emulation takes seconds, more on a loaded machine.
constexpr int kAttachSeconds = 120;

class PathGuest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        if (tracefs_file("kprobe_events").empty()) GTEST_SKIP() << "kernel without kprobes";
    }
    void TearDown() override {
        auto probes = shell_output("cat " + tracefs_file("kprobe_events"));
        EXPECT_EQ(probes.find("ftnettrace"), std::string::npos) << "left behind:\n" << probes;
    }

    // Runs the tool with `args` (JSON output), makes the traffic, stops it with SIGINT.
    std::vector<std::string> run(std::vector<std::string> args,
                                 const std::function<void()>& traffic) {
        args.insert(args.begin(), {"-o", "json"});
        ToolRun tool(args);
        EXPECT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
        traffic();
        usleep(1'500'000);  // TCG is slow: let the last events reach the ring
        EXPECT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
        stderr_ = tool.stderr_text();
        return tool.stdout_lines();
    }

    static std::vector<std::string> packets(const std::vector<std::string>& lines) {
        std::vector<std::string> out;
        for (const auto& line : lines)
            if (json_string(line, "type") == "packet") out.push_back(line);
        return out;
    }
    static bool has_func(const std::string& packet, const std::string& func) {
        return packet.find("\"func\":\"" + func + "\"") != std::string::npos;
    }
    std::string stderr_;
};

}  // namespace ftnt::test
