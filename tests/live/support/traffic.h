// Test traffic sent from inside a namespace: bounded in count and time.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace ftnt::test {

struct TcpEnds {
    std::string server_ns;
    std::string client_ns;
    std::string address;  // the server's
    int port;
    unsigned seconds;  // bound on each side
};
// A server in ends.server_ns accepts one connection on address:port and runs `serve` on it; a
// client in ends.client_ns connects and runs `talk`. Throws when either side fails or times out.
void tcp_exchange(const TcpEnds& ends, const std::function<bool(int)>& serve,
                  const std::function<bool(int)>& talk);

// A TCP connect (one SYN, answered by a reset from a closed port). Returns when done or after 3 s.
void tcp_connect(const std::string& netns, const std::string& address, int port);
// A TCP connection from client_ns to a listener on `port` in server_ns, which accepts it and
// closes it with the client's 16 bytes unread: the server sends a reset from its socket
// (tcp_send_active_reset, no skb to answer). Returns when done or after 5 s.
void tcp_close_with_unread_data(const std::string& server_ns, const std::string& client_ns,
                                const std::string& address, int port);
// `count` UDP datagrams of 16 bytes, from source port `sport` (0: any).
void udp_send(const std::string& netns, const std::string& address, int port, int count,
              int sport = 0);

// `count` ICMP (or ICMPv6) echo requests, 20 ms apart, from a raw socket; replies are not
// awaited (the tests drop them on purpose).
void ping(const std::string& netns, const std::string& address, int count = 1);
// One IPv4 TCP segment with the given flags (0x01 FIN, 0x02 SYN, 0x04 RST, 0x10 ACK) from a
// raw socket, e.g. SYN|FIN, which conntrack marks INVALID.
void tcp_segment(const std::string& netns, const std::string& saddr, const std::string& daddr,
                 int sport, int dport, uint8_t flags);

// One TCP session: a server in `server_netns` listening on address:port echoes `exchanges`
// messages of 10 bytes that a client in `client_netns` sends, 200 ms apart, then both close.
// Bounded by 15 s.
void tcp_session(const std::string& server_netns, const std::string& client_netns,
                 const std::string& address, int port, int exchanges);

}  // namespace ftnt::test
