// The faddr2line front end, on a fixture ELF built at test time, against binutils addr2line.
#include <gtest/gtest.h>

#include <sstream>

#include "debug_image.h"
#include "elf_fixture.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

class Faddr2lineTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/ftnt-faddr-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        path_ = test::build_fixture(dir_);
        ASSERT_FALSE(path_.empty());
        options_.vmlinux = path_;
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    int run(const std::vector<std::string>& inputs) {
        out_.str("");
        err_.str("");
        return run_faddr2line(inputs, options_, symbols_, out_, err_);
    }

    std::string dir_, path_;
    DebugInfoOptions options_;
    Kallsyms symbols_;
    std::ostringstream out_, err_;
};

TEST_F(Faddr2lineTest, EverySymbolOfTheNameIsTried) {
    ASSERT_EQ(run({"helper+0x0"}), 0) << err_.str();
    auto text = out_.str();
    auto first = text.find("helper+0x0/0x");
    ASSERT_NE(first, std::string::npos) << text;
    EXPECT_NE(text.find("helper+0x0/0x", first + 1), std::string::npos) << text;
    EXPECT_NE(text.find("helper at "), std::string::npos) << text;
    EXPECT_NE(text.find("a.c:"), std::string::npos) << text;
    EXPECT_NE(text.find("b.c:"), std::string::npos) << text;
}

TEST_F(Faddr2lineTest, InlineChainMatchesAddr2line) {
    auto image = DebugImage::open(path_);
    auto api = image->symbols_named("api").at(0);
    for (uint64_t offset = 0; offset < api.size; ++offset) {
        auto frames = image->frames(api.address + offset);
        if (frames.size() < 2) continue;
        std::ostringstream input;
        input << "api+0x" << std::hex << offset;
        ASSERT_EQ(run({input.str()}), 0);
        std::ostringstream address;
        address << "0x" << std::hex << api.address - image->bias() + offset;
        auto reference = test::run("addr2line -fi -e " + path_ + " " + address.str());
        // Ours: "level1 at a.c:4" then "(inlined by) api at a.c:5"; addr2line gives the same
        // functions and lines, one per two lines.
        std::istringstream lines(reference);
        std::string function, location, expected;
        bool first = true;
        while (std::getline(lines, function) && std::getline(lines, location)) {
            location = location.substr(0, location.find(" ("));
            expected += (first ? "" : "(inlined by) ") + function + " at " + location + "\n";
            first = false;
        }
        EXPECT_EQ(
            out_.str(), input.str() + "/0x" + [&] {
                std::ostringstream size;
                size << std::hex << api.size;
                return size.str();
            }() + ":\n" + expected);
        return;
    }
    FAIL() << "no address in api with an inline chain";
}

TEST_F(Faddr2lineTest, SizeMismatchAndOffsetPastTheEnd) {
    run({"api+0x4/0x1"});
    EXPECT_NE(out_.str().find("size mismatch"), std::string::npos) << out_.str();
    EXPECT_EQ(run({"api+0x100000"}), 1);
    EXPECT_NE(err_.str().find("past the end of api"), std::string::npos) << err_.str();
    EXPECT_EQ(run({"no_such_function+0x1"}), 1);
    EXPECT_EQ(run({"api-4"}), 2);
}

}  // namespace
}  // namespace ftnt::symbolize
