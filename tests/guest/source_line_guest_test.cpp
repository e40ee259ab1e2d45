// Source lines of drop locations and stack frames in the Debian 6.1 guest, against binutils
// addr2line on that kernel's debug vmlinux (linux-image-<release>-dbg, installed on the
// host and seen through the guest's shared root; skipped with the reason when it is not).
// A drop location is kfree_skb's return address: its line is the call's, address - 1.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

std::string release() {
    utsname name{};
    ::uname(&name);
    return name.release;
}

class SourceLineGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        if (IsSkipped()) return;
        vmlinux_ = "/usr/lib/debug/boot/vmlinux-" + release();
        std::string map = "/usr/lib/debug/boot/System.map-" + release();
        if (::access(vmlinux_.c_str(), R_OK) != 0 || ::access(map.c_str(), R_OK) != 0)
            GTEST_SKIP() << "no " << vmlinux_
                         << " with its System.map: apt-get install linux-image-" << release()
                         << "-dbg on the host to run this";
        std::ifstream in(map);
        std::string address, type, name;
        while (in >> address >> type >> name)
            if (type == "T" || type == "t")
                symbols_.emplace(name, std::stoull(address, nullptr, 16));
    }

    // "func+0x1c" -> the address in the vmlinux file; 0 when the symbol is unknown.
    uint64_t image_address(const std::string& location) const {
        auto plus = location.find('+');
        if (plus == std::string::npos) return 0;
        auto it = symbols_.find(location.substr(0, plus));
        if (it == symbols_.end()) return 0;
        return it->second + std::stoull(location.substr(plus + 1), nullptr, 16);
    }

    // binutils addr2line -fi: "func at file:line" lines, innermost first.
    std::vector<std::string> addr2line(uint64_t address) const {
        std::ostringstream command;
        command << "addr2line -fi -e " << vmlinux_ << " 0x" << std::hex << address;
        std::istringstream lines(shell_output(command.str()));
        std::vector<std::string> out;
        std::string function, where;
        while (std::getline(lines, function) && std::getline(lines, where))
            out.push_back(function + " at " + where.substr(0, where.find(" (")));
        return out;
    }

    // The tool names files relative to the kernel tree; addr2line adds the build directory.
    static bool same_frame(const std::string& mine, const std::string& reference) {
        auto at = mine.find(" at ");
        std::string function = mine.substr(0, at);
        if (function.starts_with("(inlined by) ")) function.erase(0, 13);
        return at != std::string::npos && reference.starts_with(function + " at ") &&
               reference.ends_with(mine.substr(at + 4));
    }

    std::string vmlinux_;
    std::map<std::string, uint64_t> symbols_;
};

TEST_F(SourceLineGuest, DropLocationAndStackFramesHaveTheirCallsLine) {
    NetnsPair ns("srcl");
    // The first lookups index the 600 MB vmlinux's DWARF: minutes under emulation.
    ToolRun tool({"--drop", "--drop-stack", "-o", "json"});
    ASSERT_TRUE(tool.wait_ready(kAttachSeconds)) << tool.stderr_text();
    udp_send(ns.a(), NetnsPair::kAddrB, 7131, 1);
    nlohmann::json drop;
    for (int waited = 0; waited < 300 && drop.is_null(); ++waited) {
        for (const auto& text : tool.stdout_lines()) {
            auto line = parse_json_line(text);
            if (line.value("type", "") == "drop" && line.value("dport", 0) == 7131) drop = line;
        }
        if (drop.is_null()) usleep(1'000'000);
    }
    EXPECT_EQ(tool.stop(SIGINT), 0) << tool.stderr_text();
    EXPECT_NE(tool.stderr_text().find("source lines: from " + vmlinux_), std::string::npos)
        << tool.stderr_text();
    ASSERT_FALSE(drop.is_null()) << tool.stdout_text() << tool.stderr_text();

    // The location as the kernel gives it; its lines those of address - 1.
    std::string location = drop.value("location", "");
    uint64_t address = image_address(location);
    ASSERT_NE(address, 0u) << location;
    auto at_call = addr2line(address - 1);
    auto at_return = addr2line(address);
    ASSERT_FALSE(at_call.empty());
    std::vector<std::string> source = drop.value("source", std::vector<std::string>{});
    ASSERT_EQ(source.size(), at_call.size()) << location << ": " << ::testing::PrintToString(source)
                                             << " vs " << ::testing::PrintToString(at_call);
    for (std::size_t i = 0; i < source.size(); ++i)
        EXPECT_TRUE(same_frame(source[i], at_call[i])) << source[i] << " vs " << at_call[i];
    std::cout << location << ": " << source.front()
              << " (the return address itself: " << at_return.front() << ")\n";

    // Every frame "sym+off (file:line)": the innermost line of its address - 1.
    std::vector<std::string> stack = drop.value("stack", std::vector<std::string>{});
    ASSERT_GE(stack.size(), 3u) << drop;
    int compared = 0;
    for (const auto& frame : stack) {
        auto open = frame.find(" (");
        if (open == std::string::npos) continue;  // a module frame without its debug file
        uint64_t frame_address = image_address(frame.substr(0, open));
        if (!frame_address) continue;
        auto reference = addr2line(frame_address - 1);
        ASSERT_FALSE(reference.empty());
        std::string line = frame.substr(open + 2, frame.size() - open - 3);
        EXPECT_TRUE(reference.front().ends_with(line)) << frame << " vs " << reference.front();
        ++compared;
    }
    EXPECT_GE(compared, 3) << ::testing::PrintToString(stack);
}

}  // namespace
}  // namespace ftnt::test
