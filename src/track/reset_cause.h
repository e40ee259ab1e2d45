// Why a TCP reset was sent, in one line, from what its event tells: the kernel's reset reason
// (tcp:tcp_send_reset's own enum, 6.10+), whether it answers a segment, and the functions of
// its kernel stack (the only witness on kernels without reasons).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ftnt {

struct ResetFacts {
    bool sent = true;                   // false: received from the peer
    bool answers_segment = false;       // an skb was being answered (no socket-only reset)
    bool has_socket = false;            // the reset came from (or reached) a socket
    std::optional<std::string> reason;  // the name in this kernel's own table
    std::string state;                  // the socket's state ("TCP_LISTEN"), "" when none
    std::vector<std::string> frames;    // function names of the stack, innermost first
};

// "" when no rule knows the cause.
std::string reset_cause(const ResetFacts& facts);

// "tcp_v4_rcv" of "tcp_v4_rcv+0x91/0x13f0 (net/ipv4/tcp_ipv4.c:2270)".
std::string function_of_frame(const std::string& frame);

}  // namespace ftnt
