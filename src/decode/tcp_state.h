// TCP state names as the kernel's tracepoint formats print them (include/net/tcp_states.h:
// the values /proc/net/tcp shows too).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ftnt {

// "TCP_ESTABLISHED" for 1; "state N" for a value the table does not know.
std::string tcp_state_name(int64_t state);
// The value of "TCP_ESTABLISHED" (or "ESTABLISHED", any case); nothing for another name.
std::optional<int> tcp_state_value(const std::string& name);

}  // namespace ftnt
