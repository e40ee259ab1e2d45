// Benchmark load: one TCP stream for a fixed time. `tcp_stream server PORT` accepts one
// connection and discards what it reads; `tcp_stream client ADDR PORT SECONDS` writes as fast
// as it can and prints the throughput. Used between two namespaces the benchmark makes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

static int server(int port) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s, 1) != 0) return 1;
    int c = ::accept(s, nullptr, nullptr);
    std::vector<char> buffer(1 << 16);
    while (::read(c, buffer.data(), buffer.size()) > 0) {
    }
    ::close(c);
    ::close(s);
    return 0;
}

static int client(const char* address, int port, double seconds) {
    int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = {};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, address, &a.sin_addr);
    for (int i = 0; i < 50 && ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0; ++i)
        ::usleep(100'000);
    std::vector<char> buffer(1 << 16, 'x');
    auto start = std::chrono::steady_clock::now();
    auto end = start + std::chrono::duration<double>(seconds);
    unsigned long long bytes = 0;
    while (std::chrono::steady_clock::now() < end) {
        ssize_t n = ::write(s, buffer.data(), buffer.size());
        if (n <= 0) break;
        bytes += static_cast<unsigned long long>(n);
    }
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sent %llu bytes in %.2f s: %.1f Mbit/s\n", bytes, elapsed,
                static_cast<double>(bytes) * 8 / elapsed / 1e6);
    ::close(s);
    return 0;
}

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "server") == 0) return server(std::atoi(argv[2]));
    if (argc == 5 && std::strcmp(argv[1], "client") == 0) {
        double seconds = std::atof(argv[4]);
        if (seconds <= 0 || seconds > 60) return 2;
        return client(argv[2], std::atoi(argv[3]), seconds);
    }
    std::fprintf(stderr, "usage: tcp_stream server PORT | client ADDR PORT SECONDS(0-60]\n");
    return 2;
}
