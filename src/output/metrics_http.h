// The answer of --metrics-listen's server to one request, kept apart from the sockets.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ftnt {

inline constexpr std::size_t kMaxRequestBytes = 8192;

// The answer to the request head in `received` (request line and headers), or nothing while
// the head is not complete and under kMaxRequestBytes.
std::optional<std::string> http_answer(std::string_view received, const std::string& metrics);

}  // namespace ftnt
