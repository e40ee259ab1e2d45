#include "support/traffic.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
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

// Forks a server that listens on address:port inside the server namespace, accepts one
// connection and hands it to `serve`; once it listens, a client in the client namespace
// connects and runs `talk`. Both sides are bounded by `seconds`; throws when either fails.
void tcp_exchange(const TcpEnds& ends, const std::function<bool(int)>& serve,
                  const std::function<bool(int)>& talk) {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    pid_t server = ::fork();
    if (server < 0) throw std::runtime_error("fork failed");
    if (server == 0) {
        ::close(ready[0]);
        int fd = ::open(("/run/netns/" + ends.server_ns).c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
        ::alarm(ends.seconds);
        sockaddr_storage at;
        socklen_t length = fill_address(ends.address, ends.port, at);
        int listener = ::socket(at.ss_family, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (::bind(listener, reinterpret_cast<sockaddr*>(&at), length) != 0 ||
            ::listen(listener, 1) != 0)
            ::_exit(4);
        if (::write(ready[1], "r", 1) != 1) ::_exit(5);
        int connection = ::accept(listener, nullptr, nullptr);
        if (connection < 0 || !serve(connection)) ::_exit(6);
        ::close(connection);
        ::close(listener);
        ::_exit(0);
    }
    ::close(ready[1]);
    char byte = 0;
    pollfd wait_ready{ready[0], POLLIN, 0};
    bool listening = ::poll(&wait_ready, 1, 3000) == 1 && ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    std::string client_failed;
    if (listening) try {
            in_namespace(ends.client_ns, [&] {
                ::alarm(ends.seconds);
                sockaddr_storage to;
                socklen_t length = fill_address(ends.address, ends.port, to);
                int s = ::socket(to.ss_family, SOCK_STREAM, 0);
                if (::connect(s, reinterpret_cast<sockaddr*>(&to), length) != 0) ::_exit(7);
                if (!talk(s)) ::_exit(8);
                ::close(s);
            });
        } catch (const std::exception& error) {
            client_failed = error.what();
        }
    int status = 0;
    ::waitpid(server, &status, 0);
    if (!client_failed.empty()) throw std::runtime_error(client_failed);
    if (!listening || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("tcp exchange between " + ends.client_ns + " and " +
                                 ends.server_ns + " failed");
}

void tcp_close_with_unread_data(const std::string& server_ns, const std::string& client_ns,
                                const std::string& address, int port) {
    auto close_unread = [](int connection) {
        pollfd data{connection, POLLIN, 0};
        return ::poll(&data, 1, 3000) == 1;  // then closed unread: the kernel sends a reset
    };
    auto send_and_wait_reset = [](int s) {
        char payload[16] = "ftnettrace-test";
        if (::send(s, payload, sizeof payload, 0) != sizeof payload) return false;
        pollfd reset{s, POLLIN, 0};
        ::poll(&reset, 1, 2000);
        return true;
    };
    tcp_exchange({server_ns, client_ns, address, port, 5}, close_unread, send_and_wait_reset);
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

void ping(const std::string& netns, const std::string& address, int count) {
    in_namespace(netns, [&] {
        sockaddr_storage to;
        socklen_t length = fill_address(address, 0, to);
        bool v6 = to.ss_family == AF_INET6;
        int protocol = v6 ? static_cast<int>(IPPROTO_ICMPV6) : static_cast<int>(IPPROTO_ICMP);
        int s = ::socket(to.ss_family, SOCK_RAW, protocol);
        if (s < 0) ::_exit(4);
        for (int i = 0; i < count; ++i) {
            unsigned char packet[24] = {};
            packet[0] = v6 ? 128 : 8;  // echo request
            packet[4] = 0x46;          // id "FT"
            packet[5] = 0x54;
            packet[7] = static_cast<unsigned char>(i + 1);  // sequence
            std::memcpy(packet + 8, "ftnettrace-ping", 15);
            if (!v6) {  // the kernel computes the ICMPv6 checksum, not the ICMP one
                uint32_t sum = 0;
                for (std::size_t at = 0; at < sizeof packet; at += 2)
                    sum += static_cast<uint32_t>(packet[at] << 8 | packet[at + 1]);
                while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
                uint16_t checksum = static_cast<uint16_t>(~sum);
                packet[2] = static_cast<unsigned char>(checksum >> 8);
                packet[3] = static_cast<unsigned char>(checksum & 0xff);
            }
            ::sendto(s, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&to), length);
            ::usleep(20000);
        }
        ::close(s);
    });
}

void tcp_segment(const std::string& netns, const std::string& saddr, const std::string& daddr,
                 int sport, int dport, uint8_t flags) {
    in_namespace(netns, [&] {
        unsigned char pseudo[12 + 20] = {};  // pseudo header for the checksum, then TCP
        ::inet_pton(AF_INET, saddr.c_str(), pseudo);
        ::inet_pton(AF_INET, daddr.c_str(), pseudo + 4);
        pseudo[9] = IPPROTO_TCP;
        pseudo[11] = 20;
        unsigned char* tcp = pseudo + 12;
        tcp[0] = static_cast<unsigned char>(sport >> 8);
        tcp[1] = static_cast<unsigned char>(sport & 0xff);
        tcp[2] = static_cast<unsigned char>(dport >> 8);
        tcp[3] = static_cast<unsigned char>(dport & 0xff);
        tcp[7] = 1;        // sequence 1
        tcp[12] = 5 << 4;  // 20-byte header
        tcp[13] = flags;
        tcp[14] = 0x04;  // window 1024
        uint32_t sum = 0;
        for (std::size_t at = 0; at < sizeof pseudo; at += 2)
            sum += static_cast<uint32_t>(pseudo[at] << 8 | pseudo[at + 1]);
        while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
        uint16_t checksum = static_cast<uint16_t>(~sum);
        tcp[16] = static_cast<unsigned char>(checksum >> 8);
        tcp[17] = static_cast<unsigned char>(checksum & 0xff);
        sockaddr_storage to;
        socklen_t length = fill_address(daddr, 0, to);
        int s = ::socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
        if (s < 0) ::_exit(4);
        ::sendto(s, tcp, 20, 0, reinterpret_cast<sockaddr*>(&to), length);
        ::close(s);
    });
}

void tcp_session(const std::string& server_netns, const std::string& client_netns,
                 const std::string& address, int port, int exchanges) {
    auto echo = [exchanges](int connection) {
        char buffer[100];
        for (int i = 0; i < exchanges; ++i) {
            ssize_t n = ::read(connection, buffer, sizeof buffer);
            if (n <= 0 || ::write(connection, buffer, static_cast<size_t>(n)) != n) return false;
        }
        return true;
    };
    auto talk = [exchanges](int s) {
        char buffer[100];
        for (int i = 0; i < exchanges; ++i) {
            if (::write(s, "ftnettrace", 10) != 10 || ::read(s, buffer, sizeof buffer) <= 0)
                return false;
            ::usleep(200'000);
        }
        return true;
    };
    tcp_exchange({server_netns, client_netns, address, port, 15}, echo, talk);
}

}  // namespace ftnt::test
