// --metrics-listen's answers to requests, good and hostile.
#include "output/metrics_http.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

std::string status_line(const std::optional<std::string>& answer) {
    return answer ? answer->substr(0, answer->find("\r\n")) : "(none)";
}

TEST(MetricsHttp, GetMetricsAnswersTheExposition) {
    auto answer = http_answer("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", "m 1\n");
    ASSERT_TRUE(answer);
    EXPECT_EQ(status_line(answer), "HTTP/1.1 200 OK");
    EXPECT_NE(answer->find("Content-Type: text/plain; version=0.0.4"), std::string::npos);
    EXPECT_NE(answer->find("Content-Length: 4\r\n"), std::string::npos);
    EXPECT_EQ(answer->substr(answer->size() - 4), "m 1\n");
    EXPECT_EQ(status_line(http_answer("GET /metrics?x=1 HTTP/1.0\n\n", "")), "HTTP/1.1 200 OK");
}

TEST(MetricsHttp, HeadHasTheLengthButNoBody) {
    auto answer = http_answer("HEAD /metrics HTTP/1.1\r\n\r\n", "m 1\n");
    ASSERT_TRUE(answer);
    EXPECT_NE(answer->find("Content-Length: 4\r\n"), std::string::npos);
    EXPECT_EQ(answer->substr(answer->size() - 4), "\r\n\r\n");
}

TEST(MetricsHttp, OtherPathsMethodsAndFormsAreRefused) {
    EXPECT_EQ(status_line(http_answer("GET / HTTP/1.1\r\n\r\n", "")), "HTTP/1.1 404 Not Found");
    EXPECT_EQ(status_line(http_answer("GET /metricsx HTTP/1.1\r\n\r\n", "")),
              "HTTP/1.1 404 Not Found");
    auto post = http_answer("POST /metrics HTTP/1.1\r\n\r\n", "");
    EXPECT_EQ(status_line(post), "HTTP/1.1 405 Method Not Allowed");
    EXPECT_NE(post->find("Allow: GET, HEAD\r\n"), std::string::npos);
    EXPECT_EQ(status_line(http_answer("GET /metrics\r\n\r\n", "")), "HTTP/1.1 400 Bad Request");
    EXPECT_EQ(status_line(http_answer("\r\n\r\n", "")), "HTTP/1.1 400 Bad Request");
}

TEST(MetricsHttp, AnIncompleteHeadWaitsUntilTheCap) {
    EXPECT_FALSE(http_answer("GET /metrics HTTP/1.1\r\nHost: x\r\n", ""));
    std::string huge = "GET /metrics HTTP/1.1\r\nX: " + std::string(kMaxRequestBytes, 'a');
    EXPECT_EQ(status_line(http_answer(huge, "")), "HTTP/1.1 431 Request Header Fields Too Large");
}

}  // namespace
}  // namespace ftnt
