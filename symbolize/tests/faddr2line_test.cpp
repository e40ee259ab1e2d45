// The faddr2line front end on ELF files built at test time, against binutils addr2line.
#include <gtest/gtest.h>

#include <sstream>

#include "debug_image.h"
#include "elf_fixture.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

constexpr uint64_t kSlide = 0x1c00000;

class Faddr2lineTest : public ::testing::Test {
  protected:
    void SetUp() override {
        path_ = test::build_fixture(dir_.path());
        module_ = test::build_module(dir_.path());
        ASSERT_FALSE(path_.empty());
        ASSERT_FALSE(module_.empty());
        image_ = DebugImage::open(path_);
        options_.vmlinux = path_;
        options_.notes_path = dir_.path() + "/notes";  // absent until a test writes it
        std::ostringstream kallsyms;
        kallsyms << std::hex;
        for (const char* name : {"api", "use_a", "checked"})
            kallsyms << file_address(name) + kSlide << " T " << name << "\n";
        kallsyms << image_->symbols_named("_text").at(0).address - image_->bias() + kSlide
                 << " T _text\n";
        symbols_ = Kallsyms::parse(kallsyms.str());
    }

    uint64_t file_address(const std::string& name) {
        return image_->symbols_named(name).at(0).address - image_->bias();
    }
    int run(const std::vector<std::string>& inputs) {
        out_.str("");
        err_.str("");
        return run_faddr2line(inputs, options_, symbols_, out_, err_);
    }
    // What the kernel's faddr2line prints after the "FUNC+OFF/SIZE:" line.
    std::string expected_lines(const std::string& file, uint64_t address,
                               const std::string& section = "") {
        std::string text;
        auto answers = test::addr2line(file, {address}, section);
        for (const auto& frame : answers.at(0))
            text += (text.empty() ? "" : "(inlined by) ") + frame + "\n";
        return text;
    }

    test::TempDir dir_;
    std::string path_, module_;
    std::unique_ptr<DebugImage> image_;
    DebugInfoOptions options_;
    Kallsyms symbols_;
    std::ostringstream out_, err_;
};

TEST_F(Faddr2lineTest, EverySymbolOfTheNameIsTried) {
    ASSERT_EQ(run({"helper+0x0"}), 0) << err_.str();
    std::string expected;
    for (const auto& helper : image_->symbols_named("helper"))
        expected += "helper+0x0/" + test::hex(helper.size) + ":\n" +
                    expected_lines(path_, helper.address - image_->bias());
    EXPECT_EQ(out_.str(), expected);
    EXPECT_NE(expected.find("a.c:"), std::string::npos);
    EXPECT_NE(expected.find("b.c:"), std::string::npos);
}

TEST_F(Faddr2lineTest, InlineChainsEqualAddr2lineAtEveryOffset) {
    auto api = image_->symbols_named("api").at(0);
    int chains = 0;
    for (uint64_t offset = 0; offset < api.size; ++offset) {
        auto expected = expected_lines(path_, api.address - image_->bias() + offset);
        if (expected.find(":?\n") != std::string::npos) continue;
        std::string input = "api+" + test::hex(offset);
        ASSERT_EQ(run({input}), 0) << err_.str();
        EXPECT_EQ(out_.str(), input + "/" + test::hex(api.size) + ":\n" + expected);
        chains += expected.find("(inlined by)") != std::string::npos;
    }
    EXPECT_GT(chains, 0);
}

TEST_F(Faddr2lineTest, SizeMismatchIsSaidAndOffsetPastTheEndIsAnError) {
    EXPECT_EQ(run({"api+0x4/0x1"}), 1);
    EXPECT_NE(out_.str().find("skipping api address at " + test::hex(file_address("api")) +
                              " due to size mismatch (0x1 != "),
              std::string::npos)
        << out_.str();
    auto size = image_->symbols_named("api").at(0).size;
    EXPECT_EQ(run({"api+0x4/" + test::hex(size)}), 0) << out_.str();
    EXPECT_EQ(run({"api+" + test::hex(size + 1)}), 1);
    EXPECT_NE(err_.str().find("past the end of api"), std::string::npos) << err_.str();
    EXPECT_EQ(run({"no_such_function+0x1"}), 1);
    EXPECT_NE(err_.str().find("no symbol no_such_function in " + path_), std::string::npos);
}

TEST_F(Faddr2lineTest, BadInputIsExitCode2BeforeAnyOutput) {
    EXPECT_EQ(run({"api+0x4", "api-4"}), 2);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(run({"0xzz"}), 2);
}

TEST_F(Faddr2lineTest, RawAddressesGoThroughKallsymsAndTheSlide) {
    uint64_t offset = 6;
    ASSERT_EQ(run({test::hex(file_address("api") + kSlide + offset)}), 0) << err_.str();
    EXPECT_EQ(out_.str(), "api+" + test::hex(offset) + "/" +
                              test::hex(symbols_.find("api").at(0)->size) + ":\n" +
                              expected_lines(path_, file_address("api") + offset));
    EXPECT_EQ(run({"0x10"}), 1);
    EXPECT_NE(err_.str().find("0x10 is in no kernel symbol"), std::string::npos);
}

TEST_F(Faddr2lineTest, OtherBuildRefusedForRawAddressesOnly) {
    std::ofstream(options_.notes_path, std::ios::binary)
        << std::string("\x04\0\0\0\x04\0\0\0\x03\0\0\0GNU\0\x01\x02\x03\x04", 20);
    EXPECT_EQ(run({test::hex(file_address("api") + kSlide + 4)}), 1);
    EXPECT_NE(err_.str().find("is another build"), std::string::npos) << err_.str();
    // FUNC+OFF names a place in the file itself: it is answered from the file as it is.
    EXPECT_EQ(run({"api+0x4"}), 0) << err_.str();
    EXPECT_EQ(out_.str().find("api+0x4/"), 0u) << out_.str();
}

TEST_F(Faddr2lineTest, AModuleKoIsReadBySection) {
    options_.vmlinux = module_;
    auto module = DebugImage::open(module_);
    ASSERT_EQ(run({"mod_helper+0x4", "mod_checked.cold+0x2"}), 0) << err_.str();
    std::string expected;
    for (const auto& helper : module->symbols_named("mod_helper"))
        expected +=
            "mod_helper+0x4/" + test::hex(helper.size) + ":\n" +
            expected_lines(module_, module->section_offset(helper.address).offset + 4, ".text");
    auto cold = module->symbols_named("mod_checked.cold").at(0);
    expected +=
        "mod_checked.cold+0x2/" + test::hex(cold.size) + ":\n" +
        expected_lines(module_, module->section_offset(cold.address).offset + 2, ".text.unlikely");
    EXPECT_EQ(out_.str(), expected);
}

}  // namespace
}  // namespace ftnt::symbolize
