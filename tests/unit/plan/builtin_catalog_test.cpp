#include "plan/builtin_catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/install_paths.h"
#include "plan/catalog.h"

namespace ftnt {
namespace {

std::string file_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string base_name(const std::string& path) {
    return path.substr(path.rfind('/') + 1);
}

// The copy compiled in (cmake/EmbedCatalog.cmake) against the source tree's kprobe-defs/.
TEST(BuiltinCatalog, SameEntriesAsTheShippedDirectory) {
    Catalog from_dir, built_in;
    from_dir.load_directory(FTNT_CATALOG);
    built_in.load_builtin();
    ASSERT_GT(from_dir.entries().size(), 50u);
    ASSERT_EQ(built_in.entries().size(), from_dir.entries().size());
    for (std::size_t i = 0; i < from_dir.entries().size(); ++i) {
        const auto& a = from_dir.entries()[i];
        const auto& b = built_in.entries()[i];
        EXPECT_EQ(b.kind, a.kind);
        EXPECT_EQ(b.name, a.name);
        EXPECT_EQ(b.keys, a.keys) << a.name;
        EXPECT_EQ(b.line, a.line) << a.name;
        EXPECT_EQ(base_name(b.file), base_name(a.file));
        EXPECT_TRUE(b.file.starts_with("<built in>/")) << b.file;
        EXPECT_EQ(b.lifecycle, a.lifecycle) << a.name;
        EXPECT_EQ(b.decode, a.decode) << a.name;
        EXPECT_EQ(b.ret, a.ret) << a.name;
        EXPECT_EQ(b.aliases, a.aliases) << a.name;
    }
}

TEST(BuiltinCatalog, HoldsEveryDefFileByteForByte) {
    Catalog from_dir;
    from_dir.load_directory(FTNT_CATALOG);
    EXPECT_EQ(from_dir.source(), FTNT_CATALOG);
    std::size_t def_files = 0, probe_files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(FTNT_CATALOG)) {
        bool def = entry.path().extension() == ".def";
        def_files += def;
        probe_files += def && !judge_data_file(entry.path().filename().string());
    }
    ASSERT_EQ(builtin_catalog_files().size(), def_files);
    for (const auto& file : builtin_catalog_files()) {
        auto on_disk = file_text(std::filesystem::path(FTNT_CATALOG) / file.name);
        EXPECT_FALSE(on_disk.empty()) << file.name;
        EXPECT_EQ(file.text, on_disk) << file.name;
    }
    Catalog built_in;
    built_in.load_builtin();
    // The judge's files (diag-*.def, drop-reasons*.def) are built in too, but not catalog files.
    EXPECT_EQ(built_in.source(), "built in (" + std::to_string(probe_files) + " files)");
}

}  // namespace
}  // namespace ftnt
