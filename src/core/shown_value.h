// What of a hostile string (a flag value, a catalog word) may appear in a message.
#pragma once

#include <cstddef>
#include <string>

namespace ftnt {

// The text as it may appear in a message: at most `max_bytes` bytes, control and non-ASCII
// bytes as \xNN, "..." when cut.
std::string shown_value(const std::string& text, std::size_t max_bytes = 40);

}  // namespace ftnt
