#include "output/metrics_http.h"

#include "output/metrics_text.h"

namespace ftnt {
namespace {

std::string response(const char* status, const std::string& body, bool with_body,
                     const char* content_type = "text/plain; charset=utf-8",
                     const char* extra = "") {
    std::string out = std::string("HTTP/1.1 ") + status + "\r\nContent-Type: " + content_type +
                      "\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n" + extra + "\r\n";
    if (with_body) out += body;
    return out;
}

}  // namespace

std::optional<std::string> http_answer(std::string_view received, const std::string& metrics) {
    auto head_end = received.find("\r\n\r\n");
    if (head_end == std::string_view::npos) head_end = received.find("\n\n");
    if (head_end == std::string_view::npos) {
        if (received.size() < kMaxRequestBytes) return std::nullopt;
        return response("431 Request Header Fields Too Large", "request too large\n", true);
    }
    std::string_view line = received.substr(0, received.find('\n'));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    auto first = line.find(' ');
    auto second = first == std::string_view::npos ? first : line.find(' ', first + 1);
    if (second == std::string_view::npos || line.substr(second + 1).rfind("HTTP/1.", 0) != 0)
        return response("400 Bad Request", "bad request\n", true);
    std::string_view method = line.substr(0, first);
    std::string_view target = line.substr(first + 1, second - first - 1);
    bool head = method == "HEAD";
    if (method != "GET" && !head)
        return response("405 Method Not Allowed", "only GET\n", true, "text/plain; charset=utf-8",
                        "Allow: GET, HEAD\r\n");
    std::string_view path = target.substr(0, target.find('?'));
    if (path != "/metrics") return response("404 Not Found", "not found: try /metrics\n", !head);
    return response("200 OK", metrics, !head, kExpositionContentType);
}

}  // namespace ftnt
