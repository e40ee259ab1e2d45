// Module files as distributions ship them: foo.ko, foo.ko.xz or foo.ko.zst. A compressed one
// is decompressed into an anonymous memory file, so libdwfl reads every form the same way
// (elfutils 0.188 as Debian builds it reads .xz itself, but not .zst).
#pragma once

#include <string>

#include <ftnettrace/unique_fd.h>

namespace ftnt::symbolize {

enum class Compression { none, xz, zstd };

Compression compression_of(const std::string& path);
// A descriptor of the plain ELF contents; throws std::runtime_error saying why not.
UniqueFd open_elf_file(const std::string& path);
// "veth" for ".../veth.ko.zst" and ".../nf-tables.ko": kallsyms spells '-' as '_'.
std::string module_name_of(const std::string& path);

}  // namespace ftnt::symbolize
