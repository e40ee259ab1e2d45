#include "support/misbehaving_traffic.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace ftnt::test {
namespace {

bool enter(const std::string& netns) {
    int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    return fd >= 0 && ::setns(fd, CLONE_NEWNET) == 0;
}

sockaddr_in ipv4(const std::string& address, int port) {
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<uint16_t>(port));
    if (::inet_pton(AF_INET, address.c_str(), &at.sin_addr) != 1)
        throw std::runtime_error("not an IPv4 address: " + address);
    return at;
}

// The idle socket, bound (and listening); -1 when the kernel refused.
int idle_socket(const sockaddr_in& at, IdleServer::Kind kind) {
    bool udp = kind == IdleServer::Kind::UdpUnread;
    int s = ::socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
    int one = 1, smallest = 1, defer_seconds = 5;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (udp) ::setsockopt(s, SOL_SOCKET, SO_RCVBUF, &smallest, sizeof smallest);
    if (!udp) ::setsockopt(s, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_seconds, sizeof defer_seconds);
    if (::bind(s, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) return -1;
    if (!udp && ::listen(s, 0) != 0) return -1;
    return s;
}

}  // namespace

IdleServer::IdleServer(const std::string& netns, const std::string& address, int port, Kind kind,
                       unsigned seconds) {
    auto at = ipv4(address, port);
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    child_ = ::fork();
    if (child_ < 0) throw std::runtime_error("fork failed");
    if (child_ == 0) {
        ::close(ready[0]);
        ::alarm(seconds);
        if (!enter(netns) || idle_socket(at, kind) < 0) ::_exit(3);
        if (::write(ready[1], "r", 1) != 1) ::_exit(4);
        ::pause();  // never reads, never accepts: until killed or the alarm
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    pollfd wait_ready{ready[0], POLLIN, 0};
    bool bound = ::poll(&wait_ready, 1, 3000) == 1 && ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    if (!bound) {
        ::kill(child_, SIGKILL);
        ::waitpid(child_, nullptr, 0);
        throw std::runtime_error("idle server in " + netns + " could not bind");
    }
}

IdleServer::~IdleServer() {
    ::kill(child_, SIGKILL);
    ::waitpid(child_, nullptr, 0);
}

void tcp_two_connections_with_data(const std::string& netns, const std::string& address, int port) {
    auto to = ipv4(address, port);
    pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        ::alarm(5);
        if (!enter(netns)) ::_exit(3);
        int connections[2];
        for (int& s : connections) {
            s = ::socket(AF_INET, SOCK_STREAM, 0);
            timeval timeout{2, 0};
            ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
            if (::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) ::_exit(4);
        }
        for (int s : connections)
            if (::send(s, "ftnt", 4, 0) != 4) ::_exit(5);
        ::usleep(1'000'000);  // the second one's data is retransmitted meanwhile
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("two connections from " + netns + " failed");
}

void udp_with_bad_checksum(const std::string& netns, const std::string& address, int port) {
    auto to = ipv4(address, 0);
    pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        ::alarm(5);
        if (!enter(netns)) ::_exit(3);
        int s = ::socket(AF_INET, SOCK_RAW, IPPROTO_UDP);  // the kernel writes the IP header
        // struct udphdr: source, dest, len, check (network order); 4 bytes of payload.
        uint16_t datagram[6] = {htons(40000), htons(static_cast<uint16_t>(port)), htons(12),
                                htons(0x1234)};
        std::memcpy(&datagram[4], "ftnt", 4);
        if (::sendto(s, datagram, sizeof datagram, 0, reinterpret_cast<const sockaddr*>(&to),
                     sizeof to) != sizeof datagram)
            ::_exit(4);
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("raw datagram from " + netns + " failed");
}

}  // namespace ftnt::test
