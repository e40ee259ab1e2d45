#include "decode/tcp_state.h"

#include <array>
#include <cctype>

namespace ftnt {
namespace {

// The tracepoints' format files spell these names unresolved in their __print_symbolic
// ({ TCP_ESTABLISHED, "TCP_ESTABLISHED" }); TCP_BOUND_INACTIVE is 6.7+.
constexpr std::array<const char*, 13> kStates = {
    "TCP_ESTABLISHED", "TCP_SYN_SENT",     "TCP_SYN_RECV",      "TCP_FIN_WAIT1", "TCP_FIN_WAIT2",
    "TCP_TIME_WAIT",   "TCP_CLOSE",        "TCP_CLOSE_WAIT",    "TCP_LAST_ACK",  "TCP_LISTEN",
    "TCP_CLOSING",     "TCP_NEW_SYN_RECV", "TCP_BOUND_INACTIVE"};

}  // namespace

std::string tcp_state_name(int64_t state) {
    if (state >= 1 && state <= static_cast<int64_t>(kStates.size()))
        return kStates[static_cast<std::size_t>(state - 1)];
    return "state " + std::to_string(state);
}

std::optional<int> tcp_state_value(const std::string& name) {
    std::string upper;
    for (char c : name) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (!upper.starts_with("TCP_")) upper = "TCP_" + upper;
    for (std::size_t i = 0; i < kStates.size(); ++i)
        if (upper == kStates[i]) return static_cast<int>(i + 1);
    return std::nullopt;
}

}  // namespace ftnt
