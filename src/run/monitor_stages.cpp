#include "run/monitor_stages.h"

#include <algorithm>
#include <iostream>

namespace ftnt {
namespace {

// Scrapes see counts at most this old, whatever the file's --interval.
constexpr double kPublishSeconds = 1.0;

std::optional<uint64_t> total_of(const std::unique_ptr<TracepointCounter>& counter) {
    if (!counter) return std::nullopt;
    return counter->total();
}

}  // namespace

MonitorStages::MonitorStages(DropPipeline& drops, KernelCounters kernel, const TcpCounters& tcp,
                             const PerfReader& reader, MonitorSinks sinks, InferredReasons inferred)
    : drops_(drops),
      kernel_(kernel),
      tcp_(tcp),
      reader_(reader),
      sinks_(sinks),
      inferred_(std::move(inferred)) {
    // A scrape before the first tick sees zeros, not an empty answer.
    if (sinks_.server) sinks_.server->publish(exposition());
}

std::string MonitorStages::exposition() {
    MonitorCounts counts;
    uint64_t refused = 0;
    counts.drops = kernel_.drops ? kernel_.drops->rows(&refused) : drops_.summary().rows();
    for (auto& row : counts.drops)
        if (row.reason.empty()) row.reason = inferred_.at(row.location).value_or("");
    counts.resets_sent = total_of(tcp_.resets_sent);
    counts.resets_received = total_of(tcp_.resets_received);
    counts.retransmits = total_of(tcp_.retransmits);
    if (kernel_.netfilter && kernel_.netfilter->counting()) {
        uint64_t refused_netfilter = 0;
        counts.netfilter_drops = kernel_.netfilter->rows(&refused_netfilter);
        refused += refused_netfilter;
    }
    // A full hist table refuses new keys: those drops are lost to the counts too.
    counts.lost = reader_.lost_total() + refused;
    auto families = metrics_.families(counts);
    drop_series_ = families.front().samples.size();
    return exposition_text(families);
}

void MonitorStages::write_file(const std::string& text) {
    std::string error = sinks_.file->write(text);
    if (!error.empty() && error != last_file_error_)
        std::cerr << "ftnettrace: --metrics-file: " << error << " (the last version stays)\n";
    last_file_error_ = error;
}

void MonitorStages::tick(double seconds) {
    bool publish = sinks_.server &&
                   seconds - last_publish_ >= std::min(kPublishSeconds, sinks_.interval_seconds);
    bool rewrite = sinks_.file && seconds - last_file_ >= sinks_.interval_seconds;
    if (!publish && !rewrite) return;
    std::string text = exposition();
    if (publish) {
        sinks_.server->publish(text);
        last_publish_ = seconds;
    }
    if (rewrite) {
        write_file(text);
        last_file_ = seconds;
    }
}

void MonitorStages::finish() {
    std::string text = exposition();
    if (sinks_.server) sinks_.server->publish(text);
    if (sinks_.file) write_file(text);
}

}  // namespace ftnt
