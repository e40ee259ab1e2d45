// Traffic that goes wrong on purpose, for --diag's live tests: a UDP socket that never reads
// (its small receive buffer fills), a TCP listener that never accepts (its accept queue
// fills), a datagram with a wrong checksum. Servers run in a child process inside a
// namespace, bounded in time, and end with their object.
#pragma once

#include <sys/types.h>

#include <string>

namespace ftnt::test {

class IdleServer {
  public:
    enum class Kind {
        UdpUnread,   // SO_RCVBUF as small as the kernel allows, never read
        TcpNoAccept  // listen(fd, 0), TCP_DEFER_ACCEPT, never accept()
    };
    // Returns once the socket is bound (and listening); throws when it cannot be.
    IdleServer(const std::string& netns, const std::string& address, int port, Kind kind,
               unsigned seconds = 10);
    ~IdleServer();
    IdleServer(const IdleServer&) = delete;
    IdleServer& operator=(const IdleServer&) = delete;

  private:
    pid_t child_ = -1;
};

// Two TCP connections from `netns` to a TcpNoAccept listener, then a few bytes on each: the
// listener defers each handshake's last ACK (TCP_DEFER_ACCEPT) until its data, so the first
// connection's data fills the accept queue of one and the second's finds it full (the
// kernel's TCP_LISTEN_OVERFLOW). Bounded by 5 s.
void tcp_two_connections_with_data(const std::string& netns, const std::string& address, int port);

// One UDP datagram from a raw socket in `netns` to address:port whose UDP checksum is wrong
// (veth keeps CHECKSUM_NONE: the receiver checks it).
void udp_with_bad_checksum(const std::string& netns, const std::string& address, int port);

}  // namespace ftnt::test
