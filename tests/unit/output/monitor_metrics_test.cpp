// --monitor's families: bounded drop locations that keep their series, resets by direction.
#include "output/monitor_metrics.h"

#include <gtest/gtest.h>

#include <map>

namespace ftnt {
namespace {

std::map<std::string, uint64_t> by_location(const MetricFamily& drops) {
    std::map<std::string, uint64_t> out;
    for (const auto& sample : drops.samples)
        for (const auto& [label, value] : sample.labels)
            if (label == "location") out[value] += sample.value;
    return out;
}

TEST(MonitorMetrics, LocationsPastTheLimitCountAsOther) {
    MonitorMetrics metrics(2);
    MonitorCounts counts;
    counts.drops = {{"NO_SOCKET", "__udp4_lib_rcv+0x4bc", 9, "IPv4"},
                    {"NETFILTER_DROP", "nf_hook_slow+0x9a", 5, "IPv4"},
                    {"NO_SOCKET", "tcp_v4_rcv+0x91", 3, "IPv4"},
                    {"NO_SOCKET", "tcp_v6_rcv+0x77", 1, "IPv6"}};
    auto families = metrics.families(counts);
    ASSERT_EQ(families.front().name, "ftnettrace_drops_total");
    auto locations = by_location(families.front());
    EXPECT_EQ(locations, (std::map<std::string, uint64_t>{
                             {"__udp4_lib_rcv+0x4bc", 9}, {"nf_hook_slow+0x9a", 5}, {"other", 4}}));
}

// A location once named keeps its series even when others overtake it: a counter that moved
// into "other" would go down, which Prometheus reads as a restart.
TEST(MonitorMetrics, ANamedLocationKeepsItsSeries) {
    MonitorMetrics metrics(1);
    MonitorCounts first;
    first.drops = {{"NO_SOCKET", "a+0x1", 2, "IPv4"}};
    metrics.families(first);
    MonitorCounts later;
    later.drops = {{"NO_SOCKET", "b+0x1", 100, "IPv4"}, {"NO_SOCKET", "a+0x1", 3, "IPv4"}};
    auto locations = by_location(metrics.families(later).front());
    EXPECT_EQ(locations, (std::map<std::string, uint64_t>{{"a+0x1", 3}, {"other", 100}}));
}

TEST(MonitorMetrics, SeriesStayBoundedWithManyLocations) {
    MonitorMetrics metrics;
    MonitorCounts counts;
    for (int i = 0; i < 5000; ++i)
        counts.drops.push_back({"NO_SOCKET", "f" + std::to_string(i) + "+0x1", 1, "IPv4"});
    auto families = metrics.families(counts);
    EXPECT_EQ(families.front().samples.size(), MonitorMetrics::kNamedLocations + 1);
}

TEST(MonitorMetrics, ResetsByDirectionAndMissingTracepointsLeaveNoFamily) {
    MonitorMetrics metrics;
    MonitorCounts counts;
    counts.resets_sent = 4;
    counts.resets_received = 1;
    counts.lost = 7;
    auto families = metrics.families(counts);
    std::map<std::string, const MetricFamily*> named;
    for (const auto& family : families) named[family.name] = &family;
    ASSERT_TRUE(named.count("ftnettrace_resets_total"));
    EXPECT_FALSE(named.count("ftnettrace_retransmits_total"));
    const auto& resets = named["ftnettrace_resets_total"]->samples;
    ASSERT_EQ(resets.size(), 2u);
    EXPECT_EQ(resets[0].labels, (MetricLabels{{"direction", "sent"}}));
    EXPECT_EQ(resets[0].value, 4u);
    EXPECT_EQ(resets[1].value, 1u);
    EXPECT_EQ(named["ftnettrace_lost_events_total"]->samples.at(0).value, 7u);
    for (const auto& family : families) EXPECT_EQ(family.type, "counter") << family.name;
    // Not counted by table on this kernel: no netfilter family at all.
    EXPECT_FALSE(named.count("ftnettrace_netfilter_drops_total"));
}

TEST(MonitorMetrics, NetfilterDropsByFamilyTableAndChain) {
    MonitorMetrics metrics;
    MonitorCounts counts;
    counts.netfilter_drops = std::vector<NetfilterDropRow>{{"ipv4", "filter", "INPUT", 7},
                                                           {"ipv6", "raw", "PREROUTING", 2}};
    auto families = metrics.families(counts);
    const MetricFamily* netfilter = nullptr;
    for (const auto& family : families)
        if (family.name == "ftnettrace_netfilter_drops_total") netfilter = &family;
    ASSERT_NE(netfilter, nullptr);
    ASSERT_EQ(netfilter->samples.size(), 2u);
    EXPECT_EQ(netfilter->samples[0].labels,
              (MetricLabels{{"family", "ipv4"}, {"table", "filter"}, {"chain", "INPUT"}}));
    EXPECT_EQ(netfilter->samples[0].value, 7u);
    EXPECT_EQ(netfilter->samples[1].value, 2u);
    // Counted, nothing dropped yet: the family is there, without samples.
    counts.netfilter_drops = std::vector<NetfilterDropRow>{};
    bool present = false;
    for (const auto& family : metrics.families(counts))
        present |= family.name == "ftnettrace_netfilter_drops_total" && family.samples.empty();
    EXPECT_TRUE(present);
}

}  // namespace
}  // namespace ftnt
