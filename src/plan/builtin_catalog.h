// The shipped catalog (kprobe-defs/*.def) as compiled into the binary at build time
// (cmake/EmbedCatalog.cmake generates the definition): what Catalog::load uses when no
// catalog directory is found, as for the static binary copied alone onto a host.
#pragma once

#include <span>
#include <string_view>

namespace ftnt {

struct BuiltinCatalogFile {
    std::string_view name;  // "path-ip.def"
    std::string_view text;
};

// In name order, as load_directory reads a directory.
std::span<const BuiltinCatalogFile> builtin_catalog_files();

}  // namespace ftnt
