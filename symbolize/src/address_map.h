// Runtime kernel addresses to addresses of the debug files: the KASLR slide for the vmlinux,
// the symbol's place in the .ko for a module (modules are relocated where they are loaded).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "debug_image.h"
#include "ftnettrace/kallsyms.h"

namespace ftnt::symbolize {

// How far the kernel moved its image at boot: kallsyms `_text` minus the vmlinux's `_text`.
std::optional<int64_t> kaslr_slide(std::optional<uint64_t> runtime_text,
                                   std::optional<uint64_t> image_text);
uint64_t image_address(uint64_t runtime_address, int64_t slide);

// The address in a module's image of a kallsyms module symbol plus its offset. `in_image`
// are the image's symbols of that name (address order). A module's static functions may
// share a name: the one of the same kallsyms size is taken, else the one of the same rank
// among the module's symbols of that name.
std::optional<uint64_t> module_image_address(const Kallsyms& symbols, const SymbolOffset& where,
                                             const std::vector<DebugImage::Symbol>& in_image);

}  // namespace ftnt::symbolize
