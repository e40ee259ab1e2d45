// The real thing, when linux-image-6.1.0-*-amd64-dbg is installed (skipped otherwise): the
// Debian 6.1 guest kernel's vmlinux, a kallsyms made from its System.map moved by a KASLR
// slide, and every answer against binutils addr2line on the vmlinux.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "elf_fixture.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

constexpr uint64_t kSlide = 0x2e400000;  // a multiple of 2 MiB, as KASLR places the kernel

std::string installed_vmlinux(std::string& system_map) {
    std::error_code ignored;
    for (const auto& entry : std::filesystem::directory_iterator("/usr/lib/debug/boot", ignored)) {
        std::string name = entry.path().filename();
        if (!name.starts_with("vmlinux-6.1.")) continue;
        system_map = "/usr/lib/debug/boot/System.map-" + name.substr(8);
        if (!std::filesystem::exists(system_map)) system_map = "/boot/System.map-" + name.substr(8);
        if (std::filesystem::exists(system_map)) return entry.path();
    }
    return "";
}

// System.map lines around the functions of interest, moved by the slide, as kallsyms shows.
Kallsyms slid_kallsyms(const std::string& system_map) {
    std::ifstream in(system_map);
    std::ostringstream text;
    text << std::hex;
    std::string address, type, name;
    while (in >> address >> type >> name) {
        if (type != "T" && type != "t" && name != "_text") continue;
        text << std::stoull(address, nullptr, 16) + kSlide << ' ' << type << ' ' << name << '\n';
    }
    return Kallsyms::parse(text.str());
}

TEST(Vmlinux61, TcpV4RcvThroughTheSlideEqualsAddr2line) {
    std::string system_map;
    std::string vmlinux = installed_vmlinux(system_map);
    if (vmlinux.empty())
        GTEST_SKIP() << "no /usr/lib/debug/boot/vmlinux-6.1.* with its System.map "
                        "(apt-get install linux-image-amd64-dbg to run this)";
    auto symbols = slid_kallsyms(system_map);
    DebugInfoOptions options;
    options.vmlinux = vmlinux;
    options.notes_path = "/nonexistent";  // not the running kernel: nothing to compare with
    Symbolizer symbolizer(symbols, options);
    ASSERT_TRUE(symbolizer.has_source_lines()) << symbolizer.status_line();
    for (const char* name : {"tcp_v4_rcv", "ip_rcv_core", "__udp4_lib_rcv", "kfree_skb_reason"}) {
        auto found = symbols.find(name);
        ASSERT_FALSE(found.empty()) << name;
        const KernelSymbol& symbol = *found.front();
        std::vector<uint64_t> offsets, in_file;
        for (uint64_t offset = 0; offset < symbol.size; offset += 0x11) {
            offsets.push_back(offset);
            in_file.push_back(symbol.address - kSlide + offset);
        }
        auto reference = test::addr2line(vmlinux, in_file);
        ASSERT_EQ(reference.size(), offsets.size());
        int chains = 0;
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            if (reference[i].empty() || reference[i].front().ends_with(":?")) continue;
            const auto& result = symbolizer.resolve(symbol.address + offsets[i]);
            auto mine = test::as_addr2line(result.frames);
            // addr2line prints the vmlinux's paths under the build directory
            // ("debian/build/build_amd64_none_amd64/net/ipv4/tcp_ipv4.c"), libdw as the
            // DWARF names them (relative to it): compare the ends.
            ASSERT_EQ(mine.size(), reference[i].size()) << name << "+" << test::hex(offsets[i]);
            for (std::size_t f = 0; f < mine.size(); ++f)
                EXPECT_TRUE(
                    reference[i][f].ends_with(mine[f].substr(mine[f].find(" at ") + 4)) &&
                    reference[i][f].starts_with(mine[f].substr(0, mine[f].find(" at ") + 4)))
                    << name << "+" << test::hex(offsets[i]) << ": " << mine[f] << " vs "
                    << reference[i][f];
            chains += mine.size() >= 2;
        }
        EXPECT_GT(chains, 0) << name;
    }
    const auto& drop = symbolizer.resolve(symbols.find("tcp_v4_rcv").front()->address + 0x6d3);
    ASSERT_FALSE(drop.frames.empty());
    EXPECT_EQ(drop.frames.back().function, "tcp_v4_rcv");
    EXPECT_TRUE(drop.frames.back().file == "net/ipv4/tcp_ipv4.c") << drop.frames.back().file;
}

// A module of that kernel: veth's functions "loaded" at a module address, found through
// modules.dep in its debug file, against addr2line on that file by section.
TEST(Vmlinux61, VethModuleThroughModulesDepEqualsAddr2line) {
    std::string system_map;
    std::string vmlinux = installed_vmlinux(system_map);
    if (vmlinux.empty())
        GTEST_SKIP() << "no /usr/lib/debug/boot/vmlinux-6.1.* (linux-image-amd64-dbg)";
    std::string release = vmlinux.substr(vmlinux.rfind("vmlinux-") + 8);
    std::string debug_ko = "/usr/lib/debug/lib/modules/" + release + "/kernel/drivers/net/veth.ko";
    if (!std::filesystem::exists(debug_ko) ||
        !std::filesystem::exists("/lib/modules/" + release + "/modules.dep"))
        GTEST_SKIP() << "no veth.ko debug file of a 6.1 kernel (linux-image-amd64-dbg)";
    constexpr uint64_t kBase = 0xffffffffc0e00000;
    // nm gives a relocatable file's symbols as offsets in their sections; .text ones only.
    std::istringstream nm(test::run("nm -n --defined-only " + debug_ko + " | grep -i ' t '"));
    std::string objdump = test::run("objdump -t -j .text " + debug_ko);
    std::ostringstream kallsyms;
    kallsyms << std::hex << "ffffffff81000000 T _text\n";
    std::string address, type, name;
    while (nm >> address >> type >> name)
        if (objdump.find(" " + name + "\n") != std::string::npos)
            kallsyms << kBase + std::stoull(address, nullptr, 16) << " t " << name << "\t[veth]\n";
    kallsyms << kBase + 0x100000 << " t next_module\t[other]\n";
    auto symbols = Kallsyms::parse(kallsyms.str());
    DebugInfoOptions options;
    options.kernel_release = release;
    options.vmlinux = vmlinux;
    options.notes_path = "/nonexistent";
    options.sys_module_root = "/nonexistent";
    Symbolizer symbolizer(symbols, options);
    int compared = 0, chains = 0;
    for (const char* function : {"veth_xmit", "veth_poll", "veth_xdp_rcv_skb"}) {
        auto found = symbols.find(function);
        ASSERT_EQ(found.size(), 1u) << function;
        std::vector<uint64_t> offsets;
        for (uint64_t offset = 0; offset < std::min<uint64_t>(found[0]->size, 0x1000);
             offset += 0x13)
            offsets.push_back(found[0]->address - kBase + offset);
        auto reference = test::addr2line(debug_ko, offsets, ".text");
        ASSERT_EQ(reference.size(), offsets.size());
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            if (reference[i].empty() || reference[i].front().ends_with(":?") ||
                reference[i].front().ends_with(":0"))
                continue;
            auto mine = test::as_addr2line(symbolizer.resolve(kBase + offsets[i]).frames);
            ASSERT_EQ(mine.size(), reference[i].size()) << function << " " << test::hex(offsets[i]);
            for (std::size_t f = 0; f < mine.size(); ++f)
                EXPECT_TRUE(reference[i][f].ends_with(mine[f].substr(mine[f].find(" at ") + 4)))
                    << mine[f] << " vs " << reference[i][f];
            ++compared;
            chains += mine.size() >= 2;
        }
    }
    EXPECT_GT(compared, 50);
    EXPECT_GT(chains, 0);
}

// The kallsyms of a real boot of that kernel (KASLR slid it by 0x35c00000 from the
// vmlinux's _text at ffffffff81000000): the drop location of the closed-port connect.
TEST(Vmlinux61, CapturedGuestKallsymsThroughTheRealSlide) {
    std::string system_map;
    std::string vmlinux = installed_vmlinux(system_map);
    if (vmlinux.find("6.1.0-56-amd64") == std::string::npos)
        GTEST_SKIP() << "the fixture is of 6.1.0-56-amd64; its vmlinux is not installed";
    std::ifstream in(std::string(SYMBOLIZE_FIXTURES) + "/kallsyms-6.1-guest-kaslr.txt");
    std::ostringstream text;
    text << in.rdbuf();
    auto symbols = Kallsyms::parse(text.str());
    DebugInfoOptions options;
    options.vmlinux = vmlinux;
    options.notes_path = "/nonexistent";
    Symbolizer symbolizer(symbols, options);
    const auto& drop = symbolizer.resolve(0xffffffffb74ac410 + 0x6d3);
    EXPECT_EQ(drop.location, "tcp_v4_rcv+0x6d3");
    auto reference = test::addr2line(vmlinux, {0xffffffff818ac410 + 0x6d3}).at(0);
    auto mine = test::as_addr2line(drop.frames);
    ASSERT_EQ(mine.size(), reference.size());
    ASSERT_GE(mine.size(), 2u);
    for (std::size_t f = 0; f < mine.size(); ++f)
        EXPECT_TRUE(reference[f].ends_with(mine[f].substr(mine[f].find(" at ") + 4)))
            << mine[f] << " vs " << reference[f];
    EXPECT_EQ(drop.frames.back().file, "net/ipv4/tcp_ipv4.c");
}

}  // namespace
}  // namespace ftnt::symbolize
