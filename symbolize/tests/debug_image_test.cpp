#include "debug_image.h"

#include <gtest/gtest.h>

#include <sstream>

#include "elf_fixture.h"

namespace ftnt::symbolize {
namespace {

class DebugImageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/ftnt-symbolize-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        path_ = test::build_fixture(dir_);
        ASSERT_FALSE(path_.empty()) << "gcc could not build the fixture";
        image_ = DebugImage::open(path_);
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    // binutils addr2line -fi on the same file and address, as (function, file:line) frames
    // with directories and "(discriminator N)" left out.
    std::vector<std::string> addr2line(uint64_t elf_address) {
        std::ostringstream hex;
        hex << "0x" << std::hex << elf_address;
        std::istringstream lines(test::run("addr2line -fi -e " + path_ + " " + hex.str()));
        std::vector<std::string> frames;
        std::string function, location;
        while (std::getline(lines, function) && std::getline(lines, location)) {
            location = location.substr(0, location.find(" ("));
            frames.push_back(function + " " + location.substr(location.rfind('/') + 1));
        }
        return frames;
    }
    std::vector<std::string> ours(uint64_t image_address) {
        std::vector<std::string> frames;
        for (const auto& f : image_->frames(image_address))
            frames.push_back(f.function + " " + f.file.substr(f.file.rfind('/') + 1) + ":" +
                             (f.line ? std::to_string(f.line) : "?"));
        return frames;
    }
    // Every 3rd byte of a symbol that has a source line (alignment padding has none, and
    // there the two tools guess differently): the library and addr2line agree at each.
    void compare_across(const DebugImage::Symbol& symbol) {
        ASSERT_GT(symbol.size, 0u) << symbol.name;
        int compared = 0;
        for (uint64_t offset = 0; offset < symbol.size; offset += 3) {
            uint64_t address = symbol.address + offset;
            auto mine = ours(address);
            auto reference = addr2line(address - image_->bias());
            if (reference.empty() || reference.front().ends_with(":?")) continue;
            ++compared;
            EXPECT_EQ(mine, reference) << "ours " << ::testing::PrintToString(mine) << " addr2line "
                                       << ::testing::PrintToString(reference) << symbol.name
                                       << "+0x" << std::hex << offset;
        }
        EXPECT_GT(compared, 0) << symbol.name;
    }

    std::string dir_, path_;
    std::unique_ptr<DebugImage> image_;
};

TEST_F(DebugImageTest, InlineChainEqualsAddr2line) {
    auto api = image_->symbols_named("api");
    ASSERT_EQ(api.size(), 1u);
    compare_across(api[0]);
    // Somewhere in api an inlined function is innermost and api outermost.
    bool chain = false;
    for (uint64_t offset = 0; offset < api[0].size; ++offset) {
        auto frames = image_->frames(api[0].address + offset);
        chain = chain || (frames.size() >= 2 && frames.front().function.starts_with("level") &&
                          frames.back().function == "api");
    }
    EXPECT_TRUE(chain);
}

TEST_F(DebugImageTest, SameStaticNameInTwoUnitsIsTwoSymbols) {
    auto helpers = image_->symbols_named("helper");
    ASSERT_EQ(helpers.size(), 2u);
    for (const auto& helper : helpers) compare_across(helper);
    EXPECT_NE(ours(helpers[0].address), ours(helpers[1].address));
}

TEST_F(DebugImageTest, ColdPartEqualsAddr2line) {
    auto cold = image_->symbols_named("checked.cold");
    ASSERT_EQ(cold.size(), 1u) << "gcc did not split checked into a .cold part";
    compare_across(cold[0]);
    EXPECT_EQ(image_->frames(cold[0].address).at(0).function, "checked");
    compare_across(image_->symbols_named("checked").at(0));
}

TEST_F(DebugImageTest, BuildIdIsRead) {
    auto id = image_->build_id();
    EXPECT_EQ(id.size(), 40u);
    auto readelf = test::run("readelf -n " + path_);
    EXPECT_NE(readelf.find(id), std::string::npos) << readelf;
}

TEST(BuildIdFromNotes, FindsTheGnuNote) {
    // An ELF note as /sys/kernel/notes holds it: namesz 4, descsz 4, type 3, "GNU\0", desc.
    std::string notes("\x04\0\0\0\x04\0\0\0\x03\0\0\0GNU\0\xde\xad\xbe\xef", 20);
    EXPECT_EQ(build_id_from_notes(notes), "deadbeef");
    EXPECT_EQ(build_id_from_notes(""), "");
}

}  // namespace
}  // namespace ftnt::symbolize
