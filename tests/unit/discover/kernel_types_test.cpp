// Type sources name the file they could not read; the name is the user's (or a hostile
// directory's), so it is cut and escaped like every other echoed value.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/errors.h"
#include "discover/kernel_types.h"

namespace ftnt {
namespace {

namespace fs = std::filesystem;

class HostileTypeFile : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("ftnt-types-" + std::to_string(::getpid()));
        auto deep = dir_ / std::string(200, 'd') / ("x\x1b[31m\nred" + std::string(200, 'a'));
        fs::create_directories(deep.parent_path());
        path_ = deep.string();
        fs::copy_file("/bin/true", path_, fs::copy_options::overwrite_existing);
    }
    void TearDown() override { fs::remove_all(dir_); }

    static void expect_printable(const std::string& message) {
        SCOPED_TRACE(message);
        EXPECT_LT(message.size(), 400u);
        for (char c : message) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << int(c);
    }

    fs::path dir_;
    std::string path_;
};

TEST_F(HostileTypeFile, ElfWithoutBtfIsNamedShortAndPrintable) {
    ::testing::internal::CaptureStderr();
    try {
        KernelTypes::load(path_);
        ADD_FAILURE() << "an ELF file without .BTF was accepted";
    } catch (const std::runtime_error& e) {
        expect_printable(e.what());
    }
    EXPECT_EQ(::testing::internal::GetCapturedStderr(), "") << "libbpf echoed the raw path";
}

TEST_F(HostileTypeFile, ElfWithoutDwarfIsNamedShortAndPrintable) {
    try {
        KernelTypes::load_dwarf(path_);
        FAIL() << "an ELF file without DWARF was accepted";
    } catch (const std::runtime_error& e) {
        expect_printable(e.what());
    }
}

}  // namespace
}  // namespace ftnt
