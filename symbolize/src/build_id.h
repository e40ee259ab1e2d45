// GNU build IDs: of the running kernel (/sys/kernel/notes) and the check of a debug file.
#pragma once

#include <cstddef>
#include <string>

namespace ftnt::symbolize {

std::string hex_bytes(const void* bytes, std::size_t size);
// The NT_GNU_BUILD_ID note of a notes blob (/sys/kernel/notes), as hex; "" when absent.
std::string build_id_from_notes(const std::string& notes);
// The running kernel's build ID from its notes file; "" when unreadable.
std::string running_build_id(const std::string& notes_path);
// Why a file with build ID `file_id` cannot stand for the kernel with `running_id`; "" when
// it can (equal, or one of them unknown: nothing to compare).
std::string build_id_mismatch(const std::string& path, const std::string& file_id,
                              const std::string& running_id);

}  // namespace ftnt::symbolize
