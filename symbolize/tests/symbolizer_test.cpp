// Runtime addresses through the KASLR slide: a kallsyms text made from the fixture ELF's own
// symbols moved by a slide, as the kernel moves vmlinux at boot.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "debug_image.h"
#include "elf_fixture.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

constexpr uint64_t kSlide = 0x2a00000;

class SymbolizerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/ftnt-slide-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        path_ = test::build_fixture(dir_);
        ASSERT_FALSE(path_.empty());
        image_ = DebugImage::open(path_);
        std::ostringstream kallsyms;
        // kallsyms lists _text where the kernel put it: the image's _text plus the slide.
        // (The functions first: of two names at one address, kallsyms lookups take the first.)
        kallsyms << std::hex;
        for (const char* name : {"api", "use_a", "checked", "main"})
            kallsyms << image_->symbols_named(name).at(0).address - image_->bias() + kSlide << " T "
                     << name << "\n";
        auto text = image_->symbols_named("_text").at(0).address - image_->bias();
        kallsyms << text + kSlide << " T _text\n";
        symbols_ = Kallsyms::parse(kallsyms.str());
        options_.vmlinux = path_;
        options_.notes_path = dir_ + "/notes";  // absent: no build ID to check
        text_in_image_ = text;
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    std::string dir_, path_;
    std::unique_ptr<DebugImage> image_;
    Kallsyms symbols_;
    DebugInfoOptions options_;
    uint64_t text_in_image_ = 0;
};

TEST_F(SymbolizerTest, RuntimeAddressMapsThroughTheSlide) {
    auto api = image_->symbols_named("api").at(0);
    uint64_t runtime = api.address - image_->bias() + kSlide + 4;
    Symbolizer symbolizer(symbols_, options_);
    ASSERT_TRUE(symbolizer.has_source_lines()) << symbolizer.status_line();
    const auto& result = symbolizer.resolve(runtime);
    EXPECT_EQ(result.location, "api+0x4");
    auto expected = image_->frames(api.address + 4);
    ASSERT_FALSE(result.frames.empty());
    EXPECT_EQ(result.frames.back().function, expected.back().function);
    EXPECT_EQ(result.frames.front().line, expected.front().line);
    // Cached: the same object comes back.
    EXPECT_EQ(&symbolizer.resolve(runtime), &result);
}

TEST_F(SymbolizerTest, ReturnAddressesAreLookedUpOneByteEarlier) {
    auto api = image_->symbols_named("api").at(0);
    uint64_t runtime = api.address - image_->bias() + kSlide + 8;
    Symbolizer symbolizer(symbols_, options_);
    auto at_call = image_->frames(api.address + 7);
    EXPECT_EQ(symbolizer.resolve(runtime, true).frames.front().line, at_call.front().line);
}

TEST_F(SymbolizerTest, WrongBuildIdIsRefusedWithAReason) {
    std::string notes("\x04\0\0\0\x04\0\0\0\x03\0\0\0GNU\0\x01\x02\x03\x04", 20);
    std::ofstream(dir_ + "/notes", std::ios::binary) << notes;
    Symbolizer symbolizer(symbols_, options_);
    EXPECT_FALSE(symbolizer.has_source_lines());
    EXPECT_NE(symbolizer.status_line().find("another build"), std::string::npos)
        << symbolizer.status_line();
    EXPECT_EQ(
        symbolizer.resolve(image_->symbols_named("api").at(0).address - image_->bias() + kSlide + 4)
            .location,
        "api+0x4");
}

TEST(SymbolizerWithoutDebugInfo, SaysWhatToInstall) {
    DebugInfoOptions options;
    options.kernel_release = "0.0-none";
    options.debug_root = "/nonexistent";
    options.modules_root = "/nonexistent";
    Kallsyms symbols =
        Kallsyms::parse("ffffffff81000000 T _text\nffffffff81000100 T f\nffffffff81000200 T g\n");
    Symbolizer symbolizer(symbols, options);
    EXPECT_FALSE(symbolizer.has_source_lines());
    EXPECT_NE(symbolizer.status_line().find("install linux-image-0.0-none-dbg"), std::string::npos);
    EXPECT_EQ(symbolizer.resolve(0xffffffff81000104).location, "f+0x4");
}

}  // namespace
}  // namespace ftnt::symbolize
