#include "output/monitor_metrics.h"

#include <map>
#include <tuple>

namespace ftnt {
namespace {

MetricFamily counter(std::string name, std::string help, uint64_t value) {
    return {std::move(name), std::move(help), "counter", {{{}, value}}};
}

}  // namespace

std::vector<MetricSample> MonitorMetrics::drop_samples(const std::vector<SummaryRow>& rows) {
    // rows() comes sorted by count, so the first free slots go to the largest.
    for (const auto& row : rows)
        if (named_.size() < limit_ && row.location != "other") named_.insert(row.location);
    std::map<std::tuple<std::string, std::string, std::string>, uint64_t> merged;
    for (const auto& row : rows) {
        const std::string& location = named_.count(row.location) ? row.location : "other";
        merged[{row.reason, location, row.proto}] += row.count;
    }
    std::vector<MetricSample> out;
    for (const auto& [key, count] : merged) {
        const auto& [reason, location, proto] = key;
        out.push_back({{{"reason", reason.empty() ? "unknown" : reason},
                        {"location", location},
                        {"proto", proto},
                        // skb:kfree_skb carries no network namespace.
                        {"netns", ""}},
                       count});
    }
    return out;
}

std::vector<MetricFamily> MonitorMetrics::families(const MonitorCounts& counts) {
    std::vector<MetricFamily> out;
    out.push_back({"ftnettrace_drops_total",
                   "Packets the kernel dropped (skb:kfree_skb), by drop reason (before 5.17: "
                   "the one its location stands for, or unknown), location, protocol and "
                   "network namespace",
                   "counter", drop_samples(counts.drops)});
    if (counts.resets_sent || counts.resets_received) {
        MetricFamily resets{"ftnettrace_resets_total",
                            "TCP resets sent (tcp:tcp_send_reset) and received "
                            "(tcp:tcp_receive_reset)",
                            "counter",
                            {}};
        if (counts.resets_sent)
            resets.samples.push_back({{{"direction", "sent"}}, *counts.resets_sent});
        if (counts.resets_received)
            resets.samples.push_back({{{"direction", "received"}}, *counts.resets_received});
        out.push_back(std::move(resets));
    }
    if (counts.retransmits)
        out.push_back(counter("ftnettrace_retransmits_total",
                              "TCP segments retransmitted (tcp:tcp_retransmit_skb)",
                              *counts.retransmits));
    if (counts.netfilter_drops) {
        MetricFamily netfilter{"ftnettrace_netfilter_drops_total",
                               "Packets an iptables table (x_tables: ipt_do_table, ip6t_do_table) "
                               "returned NF_DROP for, by family, table and the built-in chain of "
                               "the hook; nf_tables drops count in ftnettrace_drops_total under "
                               "NETFILTER_DROP",
                               "counter",
                               {}};
        for (const auto& row : *counts.netfilter_drops)
            netfilter.samples.push_back(
                {{{"family", row.family}, {"table", row.table}, {"chain", row.chain}}, row.count});
        out.push_back(std::move(netfilter));
    }
    out.push_back(counter("ftnettrace_lost_events_total",
                          "Drop records the perf rings lost: those drops are missing from "
                          "ftnettrace_drops_total",
                          counts.lost));
    return out;
}

}  // namespace ftnt
