// Catalog points with a socket and no skb, inside the Debian-kernel guest (kprobes): the
// reset close() sends when unread data is left names the connection and the task closing it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "guest_fixture.h"

namespace ftnt::test {
namespace {

// Runs `body` in a child process that entered `netns`, bounded by alarm(15).
pid_t child_in(const std::string& netns, const std::function<void()>& body) {
    pid_t child = ::fork();
    if (child != 0) return child;
    int fd = ::open(("/run/netns/" + netns).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) ::_exit(3);
    ::alarm(15);
    body();
    ::_exit(0);
}

sockaddr_in address_b(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, NetnsPair::kAddrB, &a.sin_addr);
    return a;
}

// A server in namespace b, named ftntcloser, accepts one connection on `port`, waits for its
// data and closes without reading it (tcp_close() then sends a reset: tcp_send_active_reset);
// a client in namespace a connects and sends.
void reset_by_close(const NetnsPair& ns, int port) {
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t server = child_in(ns.b(), [&] {
        ::prctl(PR_SET_NAME, "ftntcloser", 0, 0, 0);
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        int on = 1;
        ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        auto at = address_b(port);
        if (::bind(s, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0 || ::listen(s, 1) != 0)
            ::_exit(4);
        (void)!::write(ready[1], "r", 1);
        pollfd listening{s, POLLIN, 0};
        if (::poll(&listening, 1, 10'000) != 1) ::_exit(5);
        int c = ::accept(s, nullptr, nullptr);
        pollfd data{c, POLLIN, 0};
        ::poll(&data, 1, 10'000);
        ::close(c);  // unread data: a reset
        ::sleep(1);
    });
    char byte = 0;
    pollfd wait_ready{ready[0], POLLIN, 0};
    ASSERT_EQ(::poll(&wait_ready, 1, 15'000), 1) << "the server did not start";
    (void)!::read(ready[0], &byte, 1);
    pid_t client = child_in(ns.a(), [&] {
        int c = ::socket(AF_INET, SOCK_STREAM, 0);
        auto to = address_b(port);
        if (::connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) ::_exit(6);
        (void)!::send(c, "unread", 6, 0);
        ::sleep(2);  // the reset arrives
        ::close(c);
    });
    int status = 0;
    ::waitpid(client, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "client: " << status;
    ::waitpid(server, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "server: " << status;
    ::close(ready[0]);
    ::close(ready[1]);
}

TEST_F(PathGuest, ActiveResetShowsTheConnectionAndTheClosingTask) {
    NetnsPair ns("arst");
    auto lines =
        run({"-t", "tcp_send_active_reset", "-P", "7301"}, [&] { reset_by_close(ns, 7301); });
    std::vector<nlohmann::json> resets;
    for (const auto& event : lines) {
        if (event.value("func", "") == "tcp_send_active_reset") resets.push_back(event);
    }
    ASSERT_EQ(resets.size(), 1u) << dump(lines) << stderr_;
    const auto& r = resets[0];
    EXPECT_EQ(r.value("saddr", ""), NetnsPair::kAddrB) << r.dump();
    EXPECT_EQ(r.value("sport", 0), 7301) << r.dump();
    EXPECT_EQ(r.value("daddr", ""), NetnsPair::kAddrA) << r.dump();
    EXPECT_GT(r.value("dport", 0), 0) << r.dump();
    EXPECT_EQ(r.value("comm", ""), "ftntcloser") << r.dump();
    EXPECT_FALSE(r.contains("skb")) << "a socket point has no skb: " << r.dump();
}

}  // namespace
}  // namespace ftnt::test
