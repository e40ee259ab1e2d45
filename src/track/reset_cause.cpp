#include "track/reset_cause.h"

#include <algorithm>
#include <map>

namespace ftnt {
namespace {

bool in_stack(const ResetFacts& f, const char* function) {
    return std::find(f.frames.begin(), f.frames.end(), function) != f.frames.end();
}

bool closing(const ResetFacts& f) {
    return in_stack(f, "tcp_close") || in_stack(f, "__tcp_close");
}

// Causes the kernel's reset reasons name (include/net/rstreason.h, 6.10+), in our words.
const std::map<std::string, std::string>& reason_causes() {
    static const std::map<std::string, std::string> kCauses = {
        {"NO_SOCKET",
         "closed port: no socket took the segment (nothing listens on the reset's source port)"},
        {"TCP_ABORT_ON_CLOSE",
         "close() with unread data: the process closed the socket before reading what it had "
         "received"},
        {"TCP_ABORT_ON_LINGER",
         "close() in FIN_WAIT2 with a negative TCP_LINGER2: the connection is aborted"},
        {"TCP_ABORT_ON_MEMORY", "too many orphaned sockets or out of socket memory: aborted"},
        {"TCP_ABORT_ON_DATA",
         "data arrived for a socket that was already closed (or shut down for reading)"},
        {"TCP_KEEPALIVE_TIMEOUT", "keepalive probes went unanswered: the connection is aborted"},
        {"TCP_DISCONNECT_WITH_DATA", "disconnect with data still unread or unsent"},
        {"TCP_TIMEWAIT_SOCKET", "a segment hit a connection in TIME_WAIT that cannot take it"},
        {"INVALID_SYN", "an unexpected SYN or handshake segment"},
        {"TCP_INVALID_ACK_SEQUENCE",
         "out-of-window segment: its ACK number is not one this socket can accept"},
        {"TCP_TOO_OLD_ACK", "out-of-window segment: its ACK is older than the window"},
        {"TCP_ACK_UNSENT_DATA",
         "out-of-window segment: it acknowledges data this socket never sent"},
        {"TCP_OLD_ACK", "out-of-window segment: an old ACK"},
        {"TCP_RFC7323_PAWS", "out-of-window segment: its timestamp failed the PAWS check"},
        {"TCP_FLAGS", "a segment with flags this state does not accept"},
    };
    return kCauses;
}

}  // namespace

std::string function_of_frame(const std::string& frame) {
    return frame.substr(0, frame.find_first_of("+ "));
}

std::string reset_cause(const ResetFacts& f) {
    if (!f.sent) return "reset by the peer (its side closed, aborted or has no socket for it)";
    // close() of a listener: inet_csk_listen_stop disconnects every child still in the
    // accept queue (inet_child_forget -> tcp_disconnect): not the children's own linger.
    if (in_stack(f, "inet_csk_listen_stop"))
        return "listener closed: the listening socket was closed with connections it had not "
               "accept()ed yet; each is reset";
    // close() with SO_LINGER on and a zero timeout disconnects at once: tcp_close calls
    // tcp_disconnect, whose reset (reason TCP_STATE on 6.10+) says nothing of the linger.
    if (closing(f) && in_stack(f, "tcp_disconnect"))
        return "SO_LINGER 0: close() with linger on and a zero timeout aborts the connection";
    // tcp_check_req's listen_overflow: the handshake's last ACK found the accept queue full
    // (tcp_v4_syn_recv_sock), and with tcp_abort_on_overflow=1 it goes on to embryonic_reset,
    // which sends the reset from the listener with reason INVALID_SYN (6.10+; none before).
    if (f.state == "TCP_LISTEN" && in_stack(f, "tcp_check_req") &&
        (!f.reason || *f.reason == "INVALID_SYN"))
        return "listener overflow: the listener's accept queue was full when the handshake "
               "completed, and net.ipv4.tcp_abort_on_overflow=1 resets the connection (accept() "
               "faster, or raise the listen() backlog and net.core.somaxconn)";
    if (f.reason) {
        auto found = reason_causes().find(*f.reason);
        if (found != reason_causes().end()) return found->second;
    }
    if (closing(f) && !f.answers_segment) return reason_causes().at("TCP_ABORT_ON_CLOSE");
    if (in_stack(f, "tcp_disconnect")) return "disconnect: connect(AF_UNSPEC) or an abort";
    if (in_stack(f, "tcp_keepalive_timer")) return reason_causes().at("TCP_KEEPALIVE_TIMEOUT");
    // Before 6.10 the tracepoint is not raised for a segment without a socket: only the kprobe
    // on tcp_v4_send_reset/tcp_v6_send_reset sees those, with the socket unknown.
    if (f.answers_segment && !f.has_socket &&
        (in_stack(f, "tcp_v4_rcv") || in_stack(f, "tcp_v6_rcv")))
        return reason_causes().at("NO_SOCKET");
    return "";
}

}  // namespace ftnt
