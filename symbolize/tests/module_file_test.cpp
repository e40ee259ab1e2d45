#include "module_file.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "elf_fixture.h"

namespace ftnt::symbolize {
namespace {

std::string contents(int fd) {
    std::string out;
    char buffer[4096];
    for (off_t at = 0;;) {
        ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
        at += n;
    }
    return out;
}

TEST(ModuleFile, XzAndZstdDecompressToTheOriginalBytes) {
    test::TempDir dir;
    std::string path = dir.path() + "/some-mod.ko";
    {
        std::ofstream out(path, std::ios::binary);
        for (int i = 0; i < 300000; ++i) out << "line " << i << '\n';  // > one 1 MiB chunk
    }
    std::ifstream in(path, std::ios::binary);
    std::string original{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_EQ(test::shell("xz -k " + path + " && zstd -q -k " + path), 0);
    EXPECT_EQ(contents(open_elf_file(path).get()), original);
    EXPECT_EQ(contents(open_elf_file(path + ".xz").get()), original);
#ifdef FTNT_HAVE_ZSTD
    EXPECT_EQ(contents(open_elf_file(path + ".zst").get()), original);
#else
    GTEST_SKIP() << "built without libzstd-dev: .ko.zst is read only if libdwfl can";
#endif
}

TEST(ModuleFile, CorruptOrAbsentFilesSayWhy) {
    test::TempDir dir;
    std::ofstream(dir.path() + "/bad.ko.zst") << "garbage";
    std::ofstream(dir.path() + "/bad.ko.xz") << "garbage";
#ifdef FTNT_HAVE_ZSTD
    EXPECT_THROW(open_elf_file(dir.path() + "/bad.ko.zst"), std::runtime_error);
#endif
#ifdef FTNT_HAVE_LZMA
    EXPECT_THROW(open_elf_file(dir.path() + "/bad.ko.xz"), std::runtime_error);
#endif
    EXPECT_THROW(open_elf_file(dir.path() + "/absent.ko"), std::runtime_error);
}

TEST(ModuleFile, TruncatedDataIsAnErrorNotAShortFile) {
    test::TempDir dir;
    std::string path = dir.path() + "/m.ko";
    {
        std::ofstream out(path, std::ios::binary);
        for (int i = 0; i < 100000; ++i) out << i * 7919 << '\n';
    }
    ASSERT_EQ(test::shell("xz -k " + path + " && zstd -q -k " + path), 0);
    for (std::string suffix : {".xz", ".zst"}) {
        if (compression_of(path + suffix) == Compression::zstd) {
#ifndef FTNT_HAVE_ZSTD
            continue;
#endif
        }
        ASSERT_EQ(test::shell("head -c 2000 " + path + suffix + " > " + path + ".cut" + suffix), 0);
        EXPECT_THROW(open_elf_file(path + ".cut" + suffix), std::runtime_error) << suffix;
    }
}

// Issue 11 item 9: a .ko.xz symlink to /dev/zero read for ever, a FIFO blocked the open, and a
// small xz "bomb" expanded without limit (1.95 GB of memfd seen).
TEST(ModuleFile, OnlyRegularFilesAndAtMost256MbDecompressed) {
    test::TempDir dir;
    ASSERT_EQ(::symlink("/dev/zero", (dir.path() + "/zero.ko.xz").c_str()), 0);
    ASSERT_EQ(::symlink("/dev/zero", (dir.path() + "/zero.ko.zst").c_str()), 0);
    ASSERT_EQ(::symlink("/dev/zero", (dir.path() + "/zero.ko").c_str()), 0);
    ASSERT_EQ(::mkfifo((dir.path() + "/fifo.ko").c_str(), 0600), 0);
    for (std::string name : {"zero.ko.xz", "zero.ko.zst", "zero.ko", "fifo.ko"}) {
        try {
            open_elf_file(dir.path() + "/" + name);
            ADD_FAILURE() << name << " was opened";
        } catch (const std::runtime_error& error) {
            EXPECT_NE(std::string(error.what()).find("not a regular file"), std::string::npos)
                << error.what();
        }
    }
    // 300 MB of zeros: 46 KB as xz, 11 KB as zstd.
    ASSERT_EQ(test::shell("head -c 300M /dev/zero | xz -0 -T1 > " + dir.path() +
                          "/bomb.ko.xz && head -c 300M /dev/zero | zstd -q -1 > " + dir.path() +
                          "/bomb.ko.zst"),
              0);
    for (std::string name : {"bomb.ko.xz", "bomb.ko.zst"}) {
#ifndef FTNT_HAVE_ZSTD
        if (name.ends_with(".zst")) continue;
#endif
        try {
            open_elf_file(dir.path() + "/" + name);
            ADD_FAILURE() << name << " was decompressed whole";
        } catch (const std::runtime_error& error) {
            EXPECT_NE(std::string(error.what()).find("more than 256 MB"), std::string::npos)
                << error.what();
        }
    }
}

TEST(ModuleFile, NamesAsKallsymsSpellsThem) {
    EXPECT_EQ(module_name_of("kernel/net/netfilter/nf_tables.ko"), "nf_tables");
    EXPECT_EQ(module_name_of("/lib/modules/6.1.0-56-amd64/kernel/drivers/net/veth.ko.xz"), "veth");
    EXPECT_EQ(module_name_of("kernel/drivers/block/nbd-x.ko.zst"), "nbd_x");
    EXPECT_EQ(compression_of("a.ko.zst"), Compression::zstd);
    EXPECT_EQ(compression_of("a.ko.xz"), Compression::xz);
    EXPECT_EQ(compression_of("a.ko"), Compression::none);
}

}  // namespace
}  // namespace ftnt::symbolize
