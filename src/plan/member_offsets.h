// Struct member offsets in catalog fetchargs, from BTF or DWARF.
#pragma once

#include <optional>
#include <string>

#include "discover/kernel_types.h"

namespace ftnt {

// "+{xt_table.name}($arg1)" -> "+56($arg1)"; "{type.member+16}" adds a constant (an element
// of an array member). Empty when a member is not in this kernel or the text is malformed.
std::optional<std::string> resolve_member_offsets(const std::string& text,
                                                  const KernelTypes& types);

}  // namespace ftnt
