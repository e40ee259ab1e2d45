#include "support/traffic.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <functional>
#include <stdexcept>

namespace ftnt::test {
namespace {

// Runs `body` in a child process that has entered the namespace.
void in_namespace(const std::string& netns, const std::function<void()>& body) {
    pid_t child = ::fork();
    if (child < 0) throw std::runtime_error("fork failed");
    if (child == 0) {
        int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
        ::alarm(5);  // a bounded child, whatever the network does
        body();
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("traffic in " + netns + " failed");
}

socklen_t fill_address(const std::string& address, int port, sockaddr_storage& out) {
    std::memset(&out, 0, sizeof out);
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        return sizeof(sockaddr_in);
    }
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
    ::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    return sizeof(sockaddr_in6);
}

}  // namespace

void tcp_connect(const std::string& netns, const std::string& address, int port) {
    in_namespace(netns, [&] {
        sockaddr_storage to;
        socklen_t length = fill_address(address, port, to);
        int s = ::socket(to.ss_family, SOCK_STREAM, 0);
        timeval timeout{3, 0};
        ::setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        ::connect(s, reinterpret_cast<sockaddr*>(&to), length);  // refused: that is the point
        ::close(s);
    });
}

void udp_send(const std::string& netns, const std::string& address, int port, int count,
              int sport) {
    in_namespace(netns, [&] {
        sockaddr_storage to;
        socklen_t length = fill_address(address, port, to);
        int s = ::socket(to.ss_family, SOCK_DGRAM, 0);
        if (sport) {
            sockaddr_storage from;
            socklen_t from_length =
                fill_address(to.ss_family == AF_INET ? "0.0.0.0" : "::", sport, from);
            ::bind(s, reinterpret_cast<sockaddr*>(&from), from_length);
        }
        char payload[16] = "ftnettrace-test";
        for (int i = 0; i < count; ++i) {
            ::sendto(s, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to), length);
            ::usleep(2000);
        }
        ::close(s);
    });
}

}  // namespace ftnt::test
