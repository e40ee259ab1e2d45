// The fixture of the guest tests: skips where kprobes are missing, runs the tool with JSON
// output around some traffic, and checks that no probe of ours is left behind.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>
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

// Whether this kernel's skb:kfree_skb carries a reason field (5.17+), from its format file.
inline bool kfree_skb_has_reason() {
    auto format = shell_output("cat " + tracefs_file("events/skb/kfree_skb/format"));
    return format.find(" reason;") != std::string::npos;
}

// Whether the functions and structs of `module` have BTF (so the catalog's points in it get
// their prototype and offsets): its own /sys/kernel/btf/<module> (module BTF, 5.11+) once it is
// loaded, or the module is built into vmlinux.
inline bool module_has_btf(const std::string& module) {
    shell("modprobe " + module + " 2>/dev/null");
    if (::access(("/sys/kernel/btf/" + module).c_str(), R_OK) == 0) return true;
    return ::access(("/sys/module/" + module).c_str(), F_OK) == 0 &&
           ::access(("/sys/module/" + module + "/initstate").c_str(), F_OK) != 0;
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

    // Runs the tool with `args` (JSON output), makes the traffic, stops it with SIGINT and
    // waits `exit_seconds` for it to end; every output line parsed (a line that is not a JSON
    // object fails the test).
    std::vector<nlohmann::json> run(std::vector<std::string> args,
                                    const std::function<void()>& traffic, int exit_seconds = 60) {
        args.insert(args.begin(), {"-o", "json"});
        ToolRun tool(args);
        EXPECT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
        traffic();
        usleep(1'500'000);  // TCG is slow: let the last events reach the ring
        ::kill(tool.pid(), SIGINT);
        EXPECT_EQ(tool.wait_exit(exit_seconds), 0) << tool.stderr_text();
        stderr_ = tool.stderr_text();
        return parse_json_lines(tool.stdout_text());
    }

    static std::vector<nlohmann::json> of_type(const std::vector<nlohmann::json>& objects,
                                               const std::string& type) {
        std::vector<nlohmann::json> out;
        for (const auto& object : objects)
            if (object.value("type", "") == type) out.push_back(object);
        return out;
    }
    static std::vector<nlohmann::json> packets(const std::vector<nlohmann::json>& objects) {
        return of_type(objects, "packet");
    }
    static const nlohmann::json& events(const nlohmann::json& packet) {
        static const nlohmann::json none = nlohmann::json::array();
        auto it = packet.find("events");
        return it != packet.end() && it->is_array() ? *it : none;
    }
    // The first event of the packet for which `match` holds, or nullptr.
    template <class Match>
    static const nlohmann::json* find_event(const nlohmann::json& packet, Match match) {
        for (const auto& event : events(packet))
            if (match(event)) return &event;
        return nullptr;
    }
    static bool has_func(const nlohmann::json& packet, const std::string& func) {
        return find_event(packet, [&](const auto& e) { return e.value("func", "") == func; });
    }
    // Some event of the packet has `key` equal to `value`.
    static bool has_field(const nlohmann::json& packet, const std::string& key,
                          const nlohmann::json& value) {
        return find_event(packet, [&](const auto& e) {
            auto it = e.find(key);
            return it != e.end() && *it == value;
        });
    }
    // Some event of the packet has a string `key` starting with `prefix`.
    static bool has_prefix(const nlohmann::json& packet, const std::string& key,
                           const std::string& prefix) {
        return find_event(packet, [&](const auto& e) {
            auto it = e.find(key);
            return it != e.end() && it->is_string() &&
                   it->template get<std::string>().starts_with(prefix);
        });
    }
    // Some string of the JSON array `strings` contains `text`.
    static bool any_contains(const nlohmann::json& strings, const std::string& text) {
        if (!strings.is_array()) return false;
        for (const auto& s : strings)
            if (s.is_string() && s.get<std::string>().find(text) != std::string::npos) return true;
        return false;
    }
    static std::string dump(const std::vector<nlohmann::json>& objects) {
        std::string text;
        for (const auto& object : objects) text += object.dump() + "\n";
        return text;
    }
    std::string stderr_;
};

}  // namespace ftnt::test
