// The Prometheus text exposition (format 0.0.4) of metric families.
#include "output/metrics_text.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

TEST(MetricsText, LabelValuesEscapeBackslashQuoteAndNewline) {
    EXPECT_EQ(escaped_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escaped_label_value("tcp_v4_rcv+0x91/0x13f0"), "tcp_v4_rcv+0x91/0x13f0");
}

TEST(MetricsText, FamiliesHaveHelpTypeAndOneLinePerSample) {
    std::vector<MetricFamily> families{
        {"ftnettrace_drops_total",
         "Drops\nby reason \\ location",
         "counter",
         {{{{"reason", "NO_SOCKET"}, {"location", "x\"y"}}, 5}, {{{"reason", "other"}}, 2}}},
        {"ftnettrace_lost_events_total", "Lost", "counter", {{{}, 0}}},
    };
    EXPECT_EQ(exposition_text(families),
              "# HELP ftnettrace_drops_total Drops\\nby reason \\\\ location\n"
              "# TYPE ftnettrace_drops_total counter\n"
              "ftnettrace_drops_total{reason=\"NO_SOCKET\",location=\"x\\\"y\"} 5\n"
              "ftnettrace_drops_total{reason=\"other\"} 2\n"
              "# HELP ftnettrace_lost_events_total Lost\n"
              "# TYPE ftnettrace_lost_events_total counter\n"
              "ftnettrace_lost_events_total 0\n");
}

}  // namespace
}  // namespace ftnt
