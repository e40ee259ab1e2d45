#include "output/metrics_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "core/errors.h"
#include "core/shown_value.h"
#include "output/metrics_http.h"

namespace ftnt {
namespace {

constexpr std::size_t kMaxClients = 32;
constexpr auto kClientTime = std::chrono::seconds(10);
constexpr int kPollMs = 250;

using Clock = std::chrono::steady_clock;

struct Client {
    UniqueFd fd;
    Clock::time_point deadline;
    std::string received;
    std::string answer;
    std::size_t sent = 0;
    bool answering = false;
};

uint16_t port_of(const std::string& text, const std::string& whole) {
    if (text.empty() || text.size() > 5 ||
        text.find_first_not_of("0123456789") != std::string::npos || std::stoul(text) > 65535)
        throw UsageError("--metrics-listen: '" + shown_value(whole) +
                         "' has no port from 0 to 65535 (ADDR:PORT, [ADDR6]:PORT or PORT)");
    return static_cast<uint16_t>(std::stoul(text));
}

std::string shown_address(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET6) {
        const auto& a6 = reinterpret_cast<const sockaddr_in6&>(address);
        inet_ntop(AF_INET6, &a6.sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(a6.sin6_port));
    }
    const auto& a4 = reinterpret_cast<const sockaddr_in&>(address);
    inet_ntop(AF_INET, &a4.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(a4.sin_port));
}

// Reads what is there; false when the client is to be closed.
bool read_request(Client& client, const std::string& metrics) {
    char buffer[2048];
    ssize_t n = ::recv(client.fd.get(), buffer, sizeof buffer, 0);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    if (n == 0) return false;
    std::size_t room = kMaxRequestBytes - client.received.size();
    client.received.append(buffer, std::min(room, static_cast<std::size_t>(n)));
    if (auto answer = http_answer(client.received, metrics)) {
        client.answer = std::move(*answer);
        client.answering = true;
    }
    return true;
}

// Sends what the socket takes; false when done or failed.
bool send_answer(Client& client) {
    ssize_t n = ::send(client.fd.get(), client.answer.data() + client.sent,
                       client.answer.size() - client.sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EINTR;
    client.sent += static_cast<std::size_t>(n);
    return client.sent < client.answer.size();
}

}  // namespace

ListenAddress parse_listen_address(const std::string& text) {
    ListenAddress out;
    std::string host, port;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find("]:");
        if (close == std::string::npos)
            throw UsageError("--metrics-listen: '" + shown_value(text) + "' is not [ADDR6]:PORT");
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else if (auto colon = text.rfind(':'); colon != std::string::npos) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string::npos)
            throw UsageError("--metrics-listen: '" + shown_value(text) +
                             "': an IPv6 address goes in brackets, [ADDR6]:PORT");
    } else {
        port = text;
    }
    uint16_t number = htons(port_of(port, text));
    auto& a4 = reinterpret_cast<sockaddr_in&>(out.address);
    auto& a6 = reinterpret_cast<sockaddr_in6&>(out.address);
    if (host.empty()) host = "127.0.0.1";  // loopback unless the user names another address
    if (inet_pton(AF_INET, host.c_str(), &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = number;
        out.length = sizeof a4;
    } else if (inet_pton(AF_INET6, host.c_str(), &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = number;
        out.length = sizeof a6;
    } else {
        throw UsageError("--metrics-listen: '" + shown_value(host) +
                         "' is not a numeric IPv4 or IPv6 address");
    }
    out.text = shown_address(out.address);
    return out;
}

MetricsServer::MetricsServer(const ListenAddress& where)
    : snapshot_(std::make_shared<const std::string>()) {
    listen_ =
        UniqueFd(::socket(where.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!listen_) throw KernelError(errno_message("socket for --metrics-listen", errno));
    int one = 1;
    ::setsockopt(listen_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (where.address.ss_family == AF_INET6)
        ::setsockopt(listen_.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (::bind(listen_.get(), reinterpret_cast<const sockaddr*>(&where.address), where.length) != 0)
        throw UsageError(errno_message("--metrics-listen " + where.text + ": bind", errno));
    if (::listen(listen_.get(), 16) != 0)
        throw KernelError(errno_message("--metrics-listen " + where.text + ": listen", errno));
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&bound), &length);
    bound_ = shown_address(bound);
    wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!wake_) throw KernelError(errno_message("eventfd", errno));
    thread_ = std::thread([this] { serve(); });
}

MetricsServer::~MetricsServer() {
    uint64_t one = 1;
    if (::write(wake_.get(), &one, sizeof one) < 0) {
        // An eventfd write fails only at its maximum count: the thread is woken either way.
    }
    thread_.join();
}

void MetricsServer::publish(std::string exposition) {
    auto next = std::make_shared<const std::string>(std::move(exposition));
    std::lock_guard lock(mutex_);
    snapshot_ = std::move(next);
}

std::shared_ptr<const std::string> MetricsServer::snapshot() const {
    std::lock_guard lock(mutex_);
    return snapshot_;
}

void MetricsServer::serve() {
    std::vector<Client> clients;
    while (true) {
        std::vector<pollfd> fds{{wake_.get(), POLLIN, 0}};
        fds.push_back(
            {listen_.get(), static_cast<short>(clients.size() < kMaxClients ? POLLIN : 0), 0});
        for (const auto& client : clients)
            fds.push_back(
                {client.fd.get(), static_cast<short>(client.answering ? POLLOUT : POLLIN), 0});
        if (::poll(fds.data(), fds.size(), kPollMs) < 0 && errno != EINTR) return;
        if (fds[0].revents) return;
        auto now = Clock::now();
        std::vector<Client> kept;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            Client& client = clients[i];
            short events = fds[i + 2].revents;
            bool keep = now < client.deadline;
            if (keep && (events & (POLLERR | POLLNVAL))) keep = false;
            if (keep && !client.answering && (events & (POLLIN | POLLHUP)))
                keep = read_request(client, *snapshot());
            if (keep && client.answering && (events & POLLOUT)) keep = send_answer(client);
            if (keep) kept.push_back(std::move(client));
        }
        clients = std::move(kept);
        if (fds[1].revents & POLLIN) {
            while (clients.size() < kMaxClients) {
                UniqueFd fd(
                    ::accept4(listen_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
                if (!fd) break;
                clients.push_back({std::move(fd), now + kClientTime, {}, {}, 0, false});
            }
        }
    }
}

}  // namespace ftnt
