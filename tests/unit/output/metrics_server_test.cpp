// --metrics-listen's server on loopback (port 0: the kernel picks a free one): it serves the
// last snapshot, and a client that sends nothing does not hold up another.
#include "output/metrics_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

#include "core/errors.h"

namespace ftnt {
namespace {

UniqueFd connect_to(const std::string& bound) {
    auto colon = bound.rfind(':');
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::stoi(bound.substr(colon + 1))));
    inet_pton(AF_INET, bound.substr(0, colon).c_str(), &address.sin_addr);
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    return fd;
}

// Sends `request` and reads to the server's close, for at most 3 s.
std::string exchange(const std::string& bound, const std::string& request) {
    UniqueFd fd = connect_to(bound);
    EXPECT_EQ(::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    std::string answer;
    for (int round = 0; round < 30; ++round) {
        pollfd p{fd.get(), POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        char buffer[4096];
        ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
        if (n <= 0) break;
        answer.append(buffer, static_cast<std::size_t>(n));
    }
    return answer;
}

TEST(MetricsServer, ListenAddressForms) {
    EXPECT_EQ(parse_listen_address("9101").text, "127.0.0.1:9101");
    EXPECT_EQ(parse_listen_address(":9101").text, "127.0.0.1:9101");
    EXPECT_EQ(parse_listen_address("0.0.0.0:80").text, "0.0.0.0:80");
    EXPECT_EQ(parse_listen_address("[::1]:9101").text, "[::1]:9101");
    for (const char* bad : {"", "localhost:9101", "127.0.0.1:70000", "127.0.0.1:", "[::1]9101",
                            "1.2.3.4:-1", "::1:9101"})
        EXPECT_THROW(parse_listen_address(bad), UsageError) << bad;
}

TEST(MetricsServer, ServesTheLastSnapshotWhileAnotherClientStalls) {
    MetricsServer server(parse_listen_address("127.0.0.1:0"));
    server.publish("first 1\n");
    server.publish("second 2\n");
    UniqueFd silent = connect_to(server.bound());  // connects and sends nothing
    std::string answer = exchange(server.bound(), "GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_EQ(answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << answer;
    EXPECT_EQ(answer.substr(answer.size() - 9), "second 2\n");
    EXPECT_EQ(exchange(server.bound(), "DELETE /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 405", 0),
              0u);
}

TEST(MetricsServer, AnAddressInUseIsAUsageError) {
    MetricsServer first(parse_listen_address("127.0.0.1:0"));
    EXPECT_THROW(MetricsServer{parse_listen_address(first.bound())}, UsageError);
}

}  // namespace
}  // namespace ftnt
