// --monitor's stages for the RunLoop: drops are counted by a hist trigger where the kernel
// has them, else by the drop pipeline (in the kernel once a reason/location/protocol is seen,
// in the reader before); the tracepoint counters count resets and retransmits; and every so
// often the counts become an exposition that the HTTP server serves and the metrics file
// takes.
#pragma once

#include <memory>
#include <string>

#include "decode/inferred_reason.h"
#include "output/metrics_file.h"
#include "output/metrics_server.h"
#include "output/monitor_metrics.h"
#include "read/tracepoint_counter.h"
#include "run/drop_pipeline.h"
#include "run/hist_drop_counts.h"
#include "run/hist_netfilter_drops.h"
#include "run/run_loop.h"

namespace ftnt {

// Null: the kernel lacks the tracepoint.
struct TcpCounters {
    std::unique_ptr<TracepointCounter> resets_sent, resets_received, retransmits;
};

// What the kernel counts besides the drops; null members: not counted on this kernel.
struct KernelCounters {
    const HistDropCounts* drops = nullptr;  // null: the drop pipeline counts them
    const HistNetfilterDrops* netfilter = nullptr;
};

struct MonitorSinks {
    MetricsFile* file = nullptr;      // --metrics-file
    MetricsServer* server = nullptr;  // --metrics-listen
    double interval_seconds = 15;     // --interval: the file's rewrites
};

class MonitorStages : public RunStages {
  public:
    // `kernel.drops`: the drops' table when the kernel has hist triggers (then `drops` sees no
    // record). `inferred`: on a kernel without drop reasons (before 5.17), the reason each
    // location stands for (drop-locations.def), as --drop shows it.
    MonitorStages(DropPipeline& drops, KernelCounters kernel, const TcpCounters& tcp,
                  const PerfReader& reader, MonitorSinks sinks, InferredReasons inferred = {});

    void on_record(const OwnedRecord& record) override { drops_.on_record(record); }
    void unreported_lost(uint32_t cpu, uint64_t lost) override {
        drops_.unreported_lost(cpu, lost);
    }
    void flush() override { drops_.flush(); }
    bool done() const override { return false; }
    void tick(double seconds) override;
    // The last counts, after the loop's last records.
    void finish();

    // How many drop series the last exposition held.
    std::size_t drop_series() const { return drop_series_; }

  private:
    std::string exposition();
    void write_file(const std::string& text);

    DropPipeline& drops_;
    KernelCounters kernel_;
    const TcpCounters& tcp_;
    const PerfReader& reader_;
    MonitorSinks sinks_;
    MonitorMetrics metrics_;
    InferredReasons inferred_;
    double last_publish_ = 0, last_file_ = 0;
    std::string last_file_error_;
    std::size_t drop_series_ = 0;
};

}  // namespace ftnt
