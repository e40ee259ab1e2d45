// Test traffic sent from inside a namespace: bounded in count and time.
#pragma once

#include <string>

namespace ftnt::test {

// A TCP connect (one SYN, answered by a reset from a closed port). Returns when done or after 3 s.
void tcp_connect(const std::string& netns, const std::string& address, int port);
// `count` UDP datagrams of 16 bytes, from source port `sport` (0: any).
void udp_send(const std::string& netns, const std::string& address, int port, int count,
              int sport = 0);

}  // namespace ftnt::test
