#include "address_map.h"

#include <gtest/gtest.h>

namespace ftnt::symbolize {
namespace {

TEST(KaslrSlide, RuntimeMinusImageText) {
    // The 6.18 host's _text at ffffffff81000000 would be a 0 slide; Debian's 6.1 vmlinux
    // links _text at ffffffff81000000 and a boot placed it 0x2e400000 higher.
    EXPECT_EQ(kaslr_slide(0xffffffffaf400000, 0xffffffff81000000), 0x2e400000);
    EXPECT_EQ(kaslr_slide(0xffffffff81000000, 0xffffffff81000000), 0);
    EXPECT_EQ(image_address(0xffffffffafcac4a1, 0x2e400000), 0xffffffff818ac4a1u);
    // A relocatable kernel can also land lower than its link address.
    auto down = kaslr_slide(0xffffffff80e00000, 0xffffffff81000000);
    ASSERT_TRUE(down);
    EXPECT_EQ(*down, -0x200000);
    EXPECT_EQ(image_address(0xffffffff80e00010, *down), 0xffffffff81000010u);
    EXPECT_FALSE(kaslr_slide(std::nullopt, 0xffffffff81000000));
    EXPECT_FALSE(kaslr_slide(0xffffffff81000000, std::nullopt));
}

class ModuleAddress : public ::testing::Test {
  protected:
    // A module with two static functions named helper, loaded at ffffffffc0a00000.
    Kallsyms symbols_ = Kallsyms::parse(
        "ffffffff81000000 T _text\n"
        "ffffffff81000100 t helper\n"
        "ffffffff81000200 T vmlinux_end\n"
        "ffffffffc0a00000 t helper\t[fixmod]\n"
        "ffffffffc0a00010 T api\t[fixmod]\n"
        "ffffffffc0a00070 t helper\t[fixmod]\n"
        "ffffffffc0a00090 T last\t[fixmod]\n"
        "ffffffffc0a000b0 T other_module_fn\t[other]\n");
    // The same functions in libdwfl's layout of the .ko (helper twice, sizes as kallsyms).
    std::vector<DebugImage::Symbol> helpers_{{"helper", 0x1000, 0x10}, {"helper", 0x1070, 0x20}};
};

TEST_F(ModuleAddress, SymbolPlusOffsetInTheImage) {
    auto where = symbols_.lookup(0xffffffffc0a00024);
    ASSERT_TRUE(where);
    EXPECT_EQ(module_image_address(symbols_, *where, {{"api", 0x1010, 0x60}}), 0x1024u);
}

TEST_F(ModuleAddress, DuplicateStaticNamesPickTheOneOfTheSameSize) {
    auto second = symbols_.lookup(0xffffffffc0a00074);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->symbol->size, 0x20u);
    EXPECT_EQ(module_image_address(symbols_, *second, helpers_), 0x1074u);
    auto first = symbols_.lookup(0xffffffffc0a00004);
    EXPECT_EQ(module_image_address(symbols_, *first, helpers_), 0x1004u);
}

TEST_F(ModuleAddress, DuplicatesOfOneSizeGoByRankInTheModule) {
    std::vector<DebugImage::Symbol> same_size{{"helper", 0x2000, 0x8}, {"helper", 0x3000, 0x8}};
    // vmlinux's helper comes first in kallsyms but is not the module's: rank 1 is the second.
    EXPECT_EQ(module_image_address(symbols_, *symbols_.lookup(0xffffffffc0a00071), same_size),
              0x3001u);
    EXPECT_EQ(module_image_address(symbols_, *symbols_.lookup(0xffffffffc0a00001), same_size),
              0x2001u);
    EXPECT_FALSE(module_image_address(symbols_, *symbols_.lookup(0xffffffffc0a00001), {}));
}

}  // namespace
}  // namespace ftnt::symbolize
