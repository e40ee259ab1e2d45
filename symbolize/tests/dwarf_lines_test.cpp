// Source lines and inline chains of the library against binutils addr2line, at every byte of
// functions in ELF files built at test time: a program (as a vmlinux) and a relocatable
// module (as a .ko).
#include <gtest/gtest.h>

#include "debug_image.h"
#include "elf_fixture.h"

namespace ftnt::symbolize {
namespace {

class DwarfLinesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        program_ = test::build_fixture(dir_.path());
        module_ = test::build_module(dir_.path());
        ASSERT_FALSE(program_.empty()) << "gcc could not build the program fixture";
        ASSERT_FALSE(module_.empty()) << "gcc/ld could not build the module fixture";
    }

    // At each byte of the symbol that addr2line gives a line for (alignment padding has
    // none, and there the two tools guess differently), the chains are equal. Returns the
    // number of addresses with an inline chain of two frames or more.
    int compare_across(const DebugImage& image, const std::string& file,
                       const DebugImage::Symbol& symbol) {
        EXPECT_GT(symbol.size, 0u) << symbol.name;
        std::vector<uint64_t> addresses;
        std::string section;
        for (uint64_t offset = 0; offset < symbol.size; ++offset) {
            if (image.relocatable()) {
                auto where = image.section_offset(symbol.address + offset);
                section = where.section;
                addresses.push_back(where.offset);
            } else {
                addresses.push_back(symbol.address + offset - image.bias());
            }
        }
        auto reference = test::addr2line(file, addresses, section);
        EXPECT_EQ(reference.size(), addresses.size()) << "addr2line answered " << reference.size();
        int compared = 0, chains = 0;
        for (std::size_t i = 0; i < reference.size() && i < addresses.size(); ++i) {
            if (reference[i].empty() || reference[i].front().ends_with(":?")) continue;
            auto mine = test::as_addr2line(image.frames(symbol.address + i));
            ++compared;
            chains += mine.size() >= 2;
            EXPECT_EQ(mine, reference[i]) << symbol.name << "+" << test::hex(i) << " in " << file;
        }
        EXPECT_GT(compared, 0) << symbol.name;
        return chains;
    }

    test::TempDir dir_;
    std::string program_, module_;
};

TEST_F(DwarfLinesTest, InlineChainEqualsAddr2line) {
    auto image = DebugImage::open(program_);
    auto api = image->symbols_named("api");
    ASSERT_EQ(api.size(), 1u);
    EXPECT_GT(compare_across(*image, program_, api[0]), 0) << "no inline chain in api";
    // The innermost inlined function first, the function the code is in last.
    for (uint64_t offset = 0; offset < api[0].size; ++offset) {
        auto frames = image->frames(api[0].address + offset);
        if (frames.size() < 3) continue;
        EXPECT_EQ(frames[0].function, "level2");
        EXPECT_FALSE(frames[0].inlined_by);
        EXPECT_EQ(frames[1].function, "level1");
        EXPECT_TRUE(frames[1].inlined_by);
        EXPECT_EQ(frames.back().function, "api");
        return;
    }
    FAIL() << "level2 is inlined nowhere in api";
}

TEST_F(DwarfLinesTest, SameStaticNameInTwoUnitsIsTwoFunctions) {
    auto image = DebugImage::open(program_);
    auto helpers = image->symbols_named("helper");
    ASSERT_EQ(helpers.size(), 2u);
    for (const auto& helper : helpers) compare_across(*image, program_, helper);
    EXPECT_NE(image->frames(helpers[0].address).at(0).file,
              image->frames(helpers[1].address).at(0).file);
}

TEST_F(DwarfLinesTest, ColdPartEqualsAddr2line) {
    auto image = DebugImage::open(program_);
    auto cold = image->symbols_named("checked.cold");
    ASSERT_EQ(cold.size(), 1u) << "gcc did not split checked into a .cold part";
    compare_across(*image, program_, cold[0]);
    EXPECT_EQ(image->frames(cold[0].address).at(0).function, "checked");
    compare_across(*image, program_, image->symbols_named("checked").at(0));
}

TEST_F(DwarfLinesTest, EveryFunctionOfTheProgramEqualsAddr2line) {
    auto image = DebugImage::open(program_);
    for (const char* name : {"use_a", "use_b", "main", "report"})
        for (const auto& symbol : image->symbols_named(name))
            compare_across(*image, program_, symbol);
}

TEST_F(DwarfLinesTest, RelocatableModuleEqualsAddr2lineBySection) {
    auto image = DebugImage::open(module_);
    ASSERT_TRUE(image->relocatable());
    EXPECT_GT(compare_across(*image, module_, image->symbols_named("mod_api").at(0)), 0);
    auto helpers = image->symbols_named("mod_helper");
    ASSERT_EQ(helpers.size(), 2u);
    for (const auto& helper : helpers) compare_across(*image, module_, helper);
    auto cold = image->symbols_named("mod_checked.cold");
    ASSERT_EQ(cold.size(), 1u);
    EXPECT_EQ(image->section_offset(cold[0].address).section, ".text.unlikely");
    compare_across(*image, module_, cold[0]);
    for (const char* name : {"mod_checked", "mod_use_a", "mod_use_b", "mod_report"})
        compare_across(*image, module_, image->symbols_named(name).at(0));
}

}  // namespace
}  // namespace ftnt::symbolize
