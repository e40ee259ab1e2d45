// Benchmark load: small UDP datagrams to a closed port on 127.0.0.1 for a fixed time, so
// every datagram is one NO_SOCKET drop. Prints datagrams sent and the rate.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    double seconds = argc > 1 ? std::atof(argv[1]) : 5.0;
    int port = argc > 2 ? std::atoi(argv[2]) : 9;
    if (seconds <= 0 || seconds > 60) {
        std::fprintf(stderr, "usage: udp_storm SECONDS(0-60] [PORT]\n");
        return 2;
    }
    int s = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in to = {};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(port));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // loopback only
    char payload[16] = "ftnettrace";
    auto start = std::chrono::steady_clock::now();
    auto end = start + std::chrono::duration<double>(seconds);
    unsigned long sent = 0;
    while (true) {
        for (int i = 0; i < 256; ++i)
            if (::sendto(s, payload, sizeof payload, 0, reinterpret_cast<sockaddr*>(&to),
                         sizeof to) == sizeof payload)
                ++sent;
        if (std::chrono::steady_clock::now() >= end) break;
    }
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("sent %lu in %.2f s: %.0f pps\n", sent, elapsed,
                static_cast<double>(sent) / elapsed);
    ::close(s);
    return 0;
}
