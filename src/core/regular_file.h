// Files named by the user (--vmlinux, --btf, catalog files): only regular files are read, and
// only up to a size, so a FIFO, a device or a huge file is refused at once instead of
// blocking the run or filling memory.
#pragma once

#include <cstdint>
#include <string>

#include "core/unique_fd.h"

namespace ftnt {

inline constexpr uint64_t kMaxVmlinuxBytes = 2ull << 30;  // a vmlinux with DWARF is < 2 GB

// Opens `path` (O_NONBLOCK: a FIFO does not block the open) and checks that it is a regular
// file of at most `max_bytes`. Returns "" and the descriptor, or why not.
std::string open_regular_file(const std::string& path, uint64_t max_bytes, UniqueFd& fd);
std::string check_regular_file(const std::string& path, uint64_t max_bytes);
// Reads it whole into `text`; "" or why not.
std::string read_regular_file(const std::string& path, uint64_t max_bytes, std::string& text);

}  // namespace ftnt
