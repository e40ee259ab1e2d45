#include "build_id.h"

#include <gtest/gtest.h>

#include <fstream>

#include "elf_fixture.h"

namespace ftnt::symbolize {
namespace {

// An ELF note as /sys/kernel/notes holds it: namesz, descsz, type, "name\0" padded, desc.
std::string note(const std::string& name, uint32_t type, const std::string& desc) {
    auto u32 = [](uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); };
    std::string padded_name = name + '\0';
    padded_name.resize((padded_name.size() + 3) & ~std::size_t{3}, '\0');
    std::string padded_desc = desc;
    padded_desc.resize((desc.size() + 3) & ~std::size_t{3}, '\0');
    return u32(static_cast<uint32_t>(name.size() + 1)) + u32(static_cast<uint32_t>(desc.size())) +
           u32(type) + padded_name + padded_desc;
}

TEST(BuildId, TheGnuNoteAmongOthers) {
    // The kernel's notes hold Xen and Linux notes besides the GNU build ID.
    std::string notes = note("Xen", 6, "abc") + note("Linux", 1, "x") +
                        note("GNU", 3, std::string("\xde\xad\xbe\xef\x01", 5));
    EXPECT_EQ(build_id_from_notes(notes), "deadbeef01");
    EXPECT_EQ(build_id_from_notes(note("GNU", 1, "abcd")), "");
    EXPECT_EQ(build_id_from_notes(""), "");
    EXPECT_EQ(build_id_from_notes(notes.substr(0, notes.size() - 4)), "");  // cut short
}

TEST(BuildId, RunningKernelsFromItsNotesFile) {
    test::TempDir dir;
    std::ofstream(dir.path() + "/notes", std::ios::binary) << note("GNU", 3, "\x12\x34");
    EXPECT_EQ(running_build_id(dir.path() + "/notes"), "1234");
    EXPECT_EQ(running_build_id(dir.path() + "/absent"), "");
}

TEST(BuildId, MismatchIsRefusedWithBothIds) {
    auto why = build_id_mismatch("/x/vmlinux", "aa", "bb");
    EXPECT_NE(why.find("/x/vmlinux is another build"), std::string::npos) << why;
    EXPECT_NE(why.find("aa"), std::string::npos);
    EXPECT_NE(why.find("bb"), std::string::npos);
    EXPECT_EQ(build_id_mismatch("/x/vmlinux", "aa", "aa"), "");
    EXPECT_EQ(build_id_mismatch("/x/vmlinux", "aa", ""), "");  // nothing to compare with
}

}  // namespace
}  // namespace ftnt::symbolize
