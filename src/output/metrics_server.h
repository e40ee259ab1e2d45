// --metrics-listen: a minimal HTTP/1.1 server for GET /metrics, on a thread of its own that
// serves the last published snapshot, so a scrape never waits for the reader and the reader
// never waits for a scrape. Hostile clients are bounded: a request of at most 8 KiB, 10 s
// from connect to the last byte of the answer, 32 clients at once; 400, 404, 405 and 431
// otherwise, and every connection closed after one answer.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/unique_fd.h"

namespace ftnt {

struct ListenAddress {
    sockaddr_storage address{};
    socklen_t length = 0;
    std::string text;  // as shown: 127.0.0.1:9101, [::1]:9101
};

// "PORT", ":PORT" (loopback), "ADDR:PORT", "[ADDR6]:PORT"; numeric addresses only. Throws
// UsageError naming the form.
ListenAddress parse_listen_address(const std::string& text);

class MetricsServer {
  public:
    // Binds and listens; throws UsageError when the address cannot be bound (in use, not
    // local).
    explicit MetricsServer(const ListenAddress& where);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    void publish(std::string exposition);
    // The address actually bound (port 0 given: the kernel's choice).
    std::string bound() const { return bound_; }

  private:
    void serve();
    std::shared_ptr<const std::string> snapshot() const;

    UniqueFd listen_, wake_;
    std::string bound_;
    mutable std::mutex mutex_;
    std::shared_ptr<const std::string> snapshot_;
    std::thread thread_;
};

}  // namespace ftnt
