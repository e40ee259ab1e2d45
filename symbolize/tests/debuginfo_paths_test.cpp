// Where debug info is looked for, and a vmlinux of another build refused, on a fake tree.
#include "debuginfo_paths.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "debug_image.h"
#include "elf_fixture.h"

namespace ftnt::symbolize {
namespace {

// The build ID note of a file, as /sys/kernel/notes holds the kernel's.
void write_notes_of(const std::string& elf, const std::string& notes) {
    ASSERT_EQ(
        test::shell("objcopy -O binary --only-section=.note.gnu.build-id " + elf + " " + notes), 0);
}

class DebugInfoPaths : public ::testing::Test {
  protected:
    void SetUp() override {
        options_.kernel_release = "6.1.0-test";
        options_.debug_root = dir_.path() + "/debug";
        options_.modules_root = dir_.path() + "/modules";
        options_.notes_path = dir_.path() + "/notes";
        boot_ = options_.debug_root + "/boot/";
        std::filesystem::create_directories(boot_);
        std::filesystem::create_directories(options_.modules_root + "/6.1.0-test/build");
        program_ = test::build_fixture(dir_.path());
        ASSERT_FALSE(program_.empty());
    }
    test::TempDir dir_;
    DebugInfoOptions options_;
    std::string boot_, program_;
};

TEST_F(DebugInfoPaths, TheUsualPlacesInOrder) {
    auto places = vmlinux_candidates(options_);
    ASSERT_EQ(places.size(), 4u);
    EXPECT_EQ(places[0], options_.debug_root + "/boot/vmlinux-6.1.0-test");
    EXPECT_EQ(places[1], options_.debug_root + "/lib/modules/6.1.0-test/vmlinux");
    EXPECT_EQ(places[2], "/boot/vmlinux-6.1.0-test");
    EXPECT_EQ(places[3], options_.modules_root + "/6.1.0-test/build/vmlinux");
    options_.vmlinux = "/some/vmlinux";
    EXPECT_EQ(vmlinux_candidates(options_), std::vector<std::string>{"/some/vmlinux"});
}

TEST_F(DebugInfoPaths, NothingFoundSaysWhatToInstall) {
    auto found = find_vmlinux(options_);
    EXPECT_FALSE(found.image);
    EXPECT_NE(found.why.find("install linux-image-6.1.0-test-dbg or pass --vmlinux FILE"),
              std::string::npos)
        << found.why;
}

TEST_F(DebugInfoPaths, TheRunningBuildIsFoundWithoutBeingNamed) {
    write_notes_of(program_, options_.notes_path);
    std::filesystem::copy(program_, options_.modules_root + "/6.1.0-test/build/vmlinux");
    auto found = find_vmlinux(options_);
    ASSERT_TRUE(found.image) << found.why;
    EXPECT_TRUE(found.build_id_checked);
    EXPECT_EQ(found.image->path(), options_.modules_root + "/6.1.0-test/build/vmlinux");
}

TEST_F(DebugInfoPaths, AnotherBuildIsRefusedAndTheNextPlaceTried) {
    // The first place holds another build of the same program; the last the running one.
    std::filesystem::copy(program_, options_.modules_root + "/6.1.0-test/build/vmlinux");
    write_notes_of(program_, options_.notes_path);
    ASSERT_EQ(test::shell("gcc -g -O1 -Wl,--build-id -o " + boot_ + "vmlinux-6.1.0-test " +
                          dir_.path() + "/a.c " + dir_.path() + "/b.c"),
              0);
    auto found = find_vmlinux(options_);
    ASSERT_TRUE(found.image) << found.why;
    EXPECT_EQ(found.image->path(), options_.modules_root + "/6.1.0-test/build/vmlinux");
    // Named with --vmlinux, the other build is refused with the reason.
    options_.vmlinux = boot_ + "vmlinux-6.1.0-test";
    found = find_vmlinux(options_);
    EXPECT_FALSE(found.image);
    EXPECT_NE(found.why.find("is another build"), std::string::npos) << found.why;
}

TEST_F(DebugInfoPaths, AFileWithoutDwarfIsRefused) {
    ASSERT_EQ(test::shell("strip -g -o " + boot_ + "vmlinux-6.1.0-test " + program_), 0);
    write_notes_of(program_, options_.notes_path);
    auto found = find_vmlinux(options_);
    EXPECT_FALSE(found.image);
    EXPECT_NE(found.why.find("no DWARF"), std::string::npos) << found.why;
}

TEST_F(DebugInfoPaths, ModulesFromModulesDepDebugFileFirst) {
    std::string base = options_.modules_root + "/6.1.0-test/";
    std::filesystem::create_directories(base + "kernel/net/netfilter");
    std::filesystem::create_directories(options_.debug_root +
                                        "/lib/modules/6.1.0-test/kernel/net/netfilter");
    std::ofstream(base + "modules.dep") << "kernel/drivers/net/veth.ko.xz:\n"
                                        << "kernel/net/netfilter/nf-tables.ko.zst: kernel/x.ko\n";
    std::ofstream(base + "kernel/net/netfilter/nf-tables.ko.zst") << "";
    std::ofstream(options_.debug_root + "/lib/modules/6.1.0-test/kernel/net/netfilter/nf-tables.ko")
        << "";
    auto found = module_candidates(options_, "nf_tables");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0],
              options_.debug_root + "/lib/modules/6.1.0-test/kernel/net/netfilter/nf-tables.ko");
    EXPECT_EQ(found[1], base + "kernel/net/netfilter/nf-tables.ko.zst");
    EXPECT_TRUE(module_candidates(options_, "veth").empty());  // listed, not installed
    EXPECT_TRUE(module_candidates(options_, "absent").empty());
}

}  // namespace
}  // namespace ftnt::symbolize
