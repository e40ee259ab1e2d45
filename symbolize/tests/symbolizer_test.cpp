// Runtime addresses to source lines: a kallsyms text made from the fixture ELF's own symbols
// moved by a slide, as the kernel moves vmlinux at boot, and a module-like .ko "loaded" at
// other addresses; every answer against binutils addr2line on the files themselves.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "debug_image.h"
#include "elf_fixture.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

constexpr uint64_t kSlide = 0x2a00000;
constexpr uint64_t kModuleText = 0xffffffffc0a00000;
constexpr uint64_t kModuleUnlikely = 0xffffffffc0a40000;

class SymbolizerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = test::build_fixture(dir_.path());
        module_ = test::build_module(dir_.path());
        ASSERT_FALSE(path_.empty());
        ASSERT_FALSE(module_.empty());
        image_ = DebugImage::open(path_);
        module_image_ = DebugImage::open(module_);
        std::ostringstream kallsyms;
        kallsyms << std::hex;
        // kallsyms lists _text where the kernel put it: the image's _text plus the slide.
        // (The functions first: of two names at one address, kallsyms lookups take the first.)
        for (const char* name : {"api", "use_a", "checked", "main"})
            kallsyms << runtime(name) << " T " << name << "\n";
        kallsyms << image_->symbols_named("_text").at(0).address - image_->bias() + kSlide
                 << " T _text\n";
        // The module's functions where a loader put its .text and .text.unlikely.
        for (const char* name : {"mod_helper", "mod_api", "mod_use_a", "mod_checked", "mod_use_b",
                                 "mod_report", "mod_checked.cold"})
            for (const auto& symbol : module_image_->symbols_named(name))
                kallsyms << module_runtime(symbol.address) << " t " << name << "\t[fixmod]\n";
        kallsyms << kModuleUnlikely + 0x10000 << " t next_module_fn\t[other]\n";
        symbols_ = Kallsyms::parse(kallsyms.str());
        options_.vmlinux = path_;
        options_.notes_path = dir_.path() + "/notes";  // absent: no build ID to check
        options_.kernel_release = "6.1.0-test";
        options_.modules_root = dir_.path() + "/modules";
        options_.debug_root = dir_.path() + "/debug";
        options_.sys_module_root = dir_.path() + "/sys-module";
    }

    uint64_t runtime(const std::string& name, uint64_t offset = 0) {
        return image_->symbols_named(name).at(0).address - image_->bias() + kSlide + offset;
    }
    uint64_t module_runtime(uint64_t image_address) {
        auto where = module_image_->section_offset(image_address);
        return (where.section == ".text" ? kModuleText : kModuleUnlikely) + where.offset;
    }
    // Installs the module as modules.dep names it, compressed as `suffix` says.
    void install_module(const std::string& suffix) {
        std::string dir = options_.modules_root + "/6.1.0-test/kernel/drivers/net/";
        std::filesystem::create_directories(dir);
        std::ofstream(options_.modules_root + "/6.1.0-test/modules.dep")
            << "kernel/drivers/net/fixmod.ko" << suffix << ":\n";
        std::string command = "cp " + module_ + " " + dir + "fixmod.ko";
        if (suffix == ".xz") command += " && xz -f " + dir + "fixmod.ko";
        if (suffix == ".zst") command += " && zstd -q --rm -f " + dir + "fixmod.ko";
        ASSERT_EQ(test::shell(command), 0);
    }
    std::vector<std::string> module_reference(uint64_t runtime_address) {
        bool text = runtime_address < kModuleUnlikely;
        uint64_t offset = runtime_address - (text ? kModuleText : kModuleUnlikely);
        return test::addr2line(module_, {offset}, text ? ".text" : ".text.unlikely").at(0);
    }

    test::TempDir dir_;
    std::string path_, module_;
    std::unique_ptr<DebugImage> image_, module_image_;
    Kallsyms symbols_;
    DebugInfoOptions options_;
};

TEST_F(SymbolizerTest, RuntimeAddressesMapThroughTheSlide) {
    Symbolizer symbolizer(symbols_, options_);
    ASSERT_TRUE(symbolizer.has_source_lines()) << symbolizer.status_line();
    EXPECT_NE(symbolizer.status_line().find("source lines: from " + path_), std::string::npos);
    auto api = image_->symbols_named("api").at(0);
    std::vector<uint64_t> in_file;
    for (uint64_t offset = 0; offset < api.size; ++offset)
        in_file.push_back(api.address - image_->bias() + offset);
    auto reference = test::addr2line(path_, in_file);
    ASSERT_EQ(reference.size(), in_file.size());
    for (uint64_t offset = 0; offset < api.size; ++offset) {
        if (reference[offset].front().ends_with(":?")) continue;
        const auto& result = symbolizer.resolve(runtime("api", offset));
        EXPECT_EQ(test::as_addr2line(result.frames), reference[offset]) << "api+" << offset;
        EXPECT_EQ(result.location, "api+" + test::hex(offset));
    }
}

TEST_F(SymbolizerTest, CachedPerAddress) {
    Symbolizer symbolizer(symbols_, options_);
    const auto& result = symbolizer.resolve(runtime("api", 4));
    EXPECT_EQ(&symbolizer.resolve(runtime("api", 4)), &result);
    EXPECT_NE(&symbolizer.resolve(runtime("api", 4), AddressKind::return_address), &result);
}

TEST_F(SymbolizerTest, ReturnAddressesAreLookedUpOneByteEarlier) {
    Symbolizer symbolizer(symbols_, options_);
    auto api = image_->symbols_named("api").at(0);
    for (uint64_t offset = 1; offset < api.size; ++offset) {
        auto at_call = test::addr2line(path_, {api.address - image_->bias() + offset - 1}).at(0);
        if (at_call.front().ends_with(":?")) continue;
        const auto& result =
            symbolizer.resolve(runtime("api", offset), AddressKind::return_address);
        EXPECT_EQ(test::as_addr2line(result.frames), at_call);
        EXPECT_EQ(result.location, "api+" + test::hex(offset));  // the address as given
    }
}

TEST_F(SymbolizerTest, ModuleAddressesInTheirKoCompressedOrNot) {
    for (std::string suffix : {"", ".xz", ".zst"}) {
        install_module(suffix);
        Symbolizer symbolizer(symbols_, options_);
        int compared = 0;
        for (const char* name : {"mod_api", "mod_helper", "mod_checked.cold", "mod_use_b"}) {
            for (const auto* symbol : symbols_.find(name)) {
                for (uint64_t offset = 0; offset < std::min<uint64_t>(symbol->size, 0x80);
                     offset += 2) {
                    auto reference = module_reference(symbol->address + offset);
                    if (reference.empty() || reference.front().ends_with(":?") ||
                        reference.front().ends_with(":0"))
                        continue;
                    const auto& result = symbolizer.resolve(symbol->address + offset);
                    EXPECT_EQ(test::as_addr2line(result.frames), reference)
                        << suffix << " " << name << "+" << offset;
                    EXPECT_NE(result.location.find(" [fixmod]"), std::string::npos);
                    ++compared;
                }
            }
        }
        EXPECT_GT(compared, 20) << suffix;
    }
}

TEST_F(SymbolizerTest, AModuleOfAnotherBuildIsNotUsed) {
    install_module("");
    std::filesystem::create_directories(options_.sys_module_root + "/fixmod/notes");
    std::string notes = options_.sys_module_root + "/fixmod/notes/.note.gnu.build-id";
    ASSERT_EQ(
        test::shell("objcopy -O binary --only-section=.note.gnu.build-id " + module_ + " " + notes),
        0);
    auto address = symbols_.find("mod_api").at(0)->address + 4;
    EXPECT_FALSE(Symbolizer(symbols_, options_).resolve(address).frames.empty());
    std::ofstream(notes, std::ios::binary)
        << std::string("\x04\0\0\0\x04\0\0\0\x03\0\0\0GNU\0\x01\x02\x03\x04", 20);
    EXPECT_TRUE(Symbolizer(symbols_, options_).resolve(address).frames.empty());
}

TEST_F(SymbolizerTest, WrongBuildIdIsRefusedWithAReason) {
    std::string notes("\x04\0\0\0\x04\0\0\0\x03\0\0\0GNU\0\x01\x02\x03\x04", 20);
    std::ofstream(dir_.path() + "/notes", std::ios::binary) << notes;
    Symbolizer symbolizer(symbols_, options_);
    EXPECT_FALSE(symbolizer.has_source_lines());
    EXPECT_NE(symbolizer.status_line().find("another build"), std::string::npos)
        << symbolizer.status_line();
    const auto& result = symbolizer.resolve(runtime("api", 4));
    EXPECT_EQ(result.location, "api+0x4");
    EXPECT_TRUE(result.frames.empty());
}

TEST(SymbolizerWithoutDebugInfo, SaysWhatToInstallAndGivesSymOff) {
    DebugInfoOptions options;
    options.kernel_release = "0.0-none";
    options.debug_root = "/nonexistent";
    options.modules_root = "/nonexistent";
    Kallsyms symbols =
        Kallsyms::parse("ffffffff81000000 T _text\nffffffff81000100 T f\nffffffff81000200 T g\n");
    Symbolizer symbolizer(symbols, options);
    EXPECT_FALSE(symbolizer.has_source_lines());
    EXPECT_NE(symbolizer.status_line().find("install linux-image-0.0-none-dbg"), std::string::npos);
    EXPECT_NE(symbolizer.status_line().find("locations are sym+off"), std::string::npos);
    EXPECT_EQ(symbolizer.resolve(0xffffffff81000104).location, "f+0x4");
    EXPECT_TRUE(symbolizer.resolve(0xffffffff81000104).frames.empty());
    EXPECT_EQ(symbolizer.resolve(0x10).location, "0x10");
}

TEST(FormatFrames, InlinedByPrefixesTheCallers) {
    std::vector<SourceFrame> frames{{"inner", "include/net/xfrm.h", 1148, false},
                                    {"tcp_v4_rcv", "net/ipv4/tcp_ipv4.c", 2165, true},
                                    {"nowhere", "x.c", 0, true}};
    EXPECT_EQ(format_frames(frames),
              (std::vector<std::string>{"inner at include/net/xfrm.h:1148",
                                        "(inlined by) tcp_v4_rcv at net/ipv4/tcp_ipv4.c:2165",
                                        "(inlined by) nowhere at x.c:?"}));
}

}  // namespace
}  // namespace ftnt::symbolize
