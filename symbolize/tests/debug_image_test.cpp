// Symbols of an image sized as kallsyms sizes them, its build ID, section offsets of a
// relocatable module, and compressed modules read like plain ones.
#include "debug_image.h"

#include <gtest/gtest.h>

#include <map>

#include "elf_fixture.h"

namespace ftnt::symbolize {
namespace {

class DebugImageTest : public ::testing::Test {
  protected:
    void SetUp() override {
        program_ = test::build_fixture(dir_.path());
        module_ = test::build_module(dir_.path());
        ASSERT_FALSE(program_.empty());
        ASSERT_FALSE(module_.empty());
    }
    test::TempDir dir_;
    std::string program_, module_;
};

// `nm -n`'s text symbols of one section, each sized up to the next address.
std::map<std::string, uint64_t> nm_sizes(const std::string& file, const std::string& first,
                                         const std::string& last) {
    std::istringstream lines(test::run("nm -n --defined-only " + file));
    std::vector<std::pair<uint64_t, std::string>> symbols;
    std::string line;
    bool in = false;
    while (std::getline(lines, line)) {
        std::istringstream fields(line);
        std::string address, type, name;
        fields >> address >> type >> name;
        in = in || name == first;
        if (in && (type == "t" || type == "T"))
            symbols.emplace_back(std::stoull(address, nullptr, 16), name);
        if (name == last) break;
    }
    std::map<std::string, uint64_t> sizes;
    for (std::size_t i = 0; i + 1 < symbols.size(); ++i)
        if (symbols[i + 1].first != symbols[i].first)
            sizes[symbols[i].second] = symbols[i + 1].first - symbols[i].first;
    return sizes;
}

TEST_F(DebugImageTest, SizesRunToTheNextSymbolLikeKallsyms) {
    auto image = DebugImage::open(program_);
    auto sizes = nm_sizes(program_, "api", "checked");
    ASSERT_GE(sizes.size(), 2u);
    for (const auto& [name, size] : sizes)
        EXPECT_EQ(image->symbols_named(name).at(0).size, size) << name;
}

TEST_F(DebugImageTest, BuildIdIsTheNotesOne) {
    auto image = DebugImage::open(program_);
    auto id = image->build_id();
    EXPECT_EQ(id.size(), 40u);
    auto readelf = test::run("readelf -n " + program_);
    EXPECT_NE(readelf.find("Build ID: " + id), std::string::npos) << readelf;
}

TEST_F(DebugImageTest, ModuleSymbolsHaveSectionOffsets) {
    auto image = DebugImage::open(module_);
    ASSERT_TRUE(image->relocatable());
    // nm prints a relocatable file's symbols as offsets in their sections.
    std::istringstream nm(test::run("nm --defined-only " + module_));
    std::string address, type, name;
    int checked = 0;
    while (nm >> address >> type >> name) {
        if (type != "t" && type != "T") continue;
        auto found = image->symbols_named(name);
        ASSERT_FALSE(found.empty()) << name;
        bool any = false;
        for (const auto& symbol : found)
            any = any ||
                  image->section_offset(symbol.address).offset == std::stoull(address, nullptr, 16);
        EXPECT_TRUE(any) << name << " at " << address;
        ++checked;
    }
    EXPECT_GE(checked, 7);
}

TEST_F(DebugImageTest, CompressedModulesReadAsThePlainOne) {
    auto plain = DebugImage::open(module_);
    auto api = plain->symbols_named("mod_api").at(0);
    auto expected = test::as_addr2line(plain->frames(api.address + 8));
    ASSERT_EQ(test::shell("xz -k -f " + module_ + " && zstd -q -k -f " + module_), 0);
    for (const char* suffix : {".xz", ".zst"}) {
        auto packed = DebugImage::open(module_ + suffix);
        EXPECT_EQ(packed->build_id(), plain->build_id()) << suffix;
        auto same = packed->symbols_named("mod_api").at(0);
        EXPECT_EQ(test::as_addr2line(packed->frames(same.address + 8)), expected) << suffix;
    }
}

TEST_F(DebugImageTest, UnreadableFilesThrowWithTheReason) {
    EXPECT_THROW(DebugImage::open(dir_.path() + "/absent"), std::runtime_error);
    std::ofstream(dir_.path() + "/garbage.ko.xz") << "not xz at all";
    EXPECT_THROW(DebugImage::open(dir_.path() + "/garbage.ko.xz"), std::runtime_error);
}

}  // namespace
}  // namespace ftnt::symbolize
