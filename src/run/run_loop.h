// The one loop every tracing mode runs: wait, read, hand records on, flush, stop on a limit,
// then the last records, the lost counts and the teardown order.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "read/perf_reader.h"

namespace ftnt {

class OutputSink;
class StopSignal;

// What a mode plugs into the loop: its decode, track and output stages.
class RunStages {
  public:
    virtual ~RunStages() = default;
    // After each wait, before the perf records up to `watermark` are released (on the last
    // round `last`, and all of them are): a source whose records interleave with theirs in
    // time reads now, so that it can put its own records among them (the instance's ring).
    virtual void before_release(uint64_t watermark, bool last) {
        (void)watermark;
        (void)last;
    }
    // A record of the perf rings, in time order.
    virtual void on_record(const OwnedRecord& record) { (void)record; }
    // After each read of the rings: sources of their own (firewall steps); `last` at the end.
    virtual void after_read(bool last) { (void)last; }
    // Once a round, with the seconds since the run began (idle packets, interval summaries).
    virtual void tick(double seconds) { (void)seconds; }
    // Records the rings lost that no PERF_RECORD_LOST reported (the kernel's own count).
    virtual void unreported_lost(uint32_t cpu, uint64_t lost) {
        (void)cpu;
        (void)lost;
    }
    virtual void flush() = 0;
    // The mode's own limit (--count) is met.
    virtual bool done() const = 0;
};

struct RunLimits {
    double duration_seconds = 0;  // 0: until stopped
};

class RunLoop {
  public:
    // `reader` may be null (firewall steps alone): the loop then waits on `wait_fds`.
    RunLoop(StopSignal& stop, OutputSink& sink, RunLimits limits)
        : stop_(stop), sink_(sink), limits_(limits) {}

    // Runs until Ctrl-C, the sink closes, the stages are done or the duration passes. The
    // caller enables the reader (what it sets up after that, e.g. firewall rules, sees every
    // traced packet); the loop disables it before the last records are read.
    void run(PerfReader* reader, const std::vector<int>& wait_fds, RunStages& stages);
    double seconds() const;

  private:
    void wait(PerfReader* reader, const std::vector<int>& wait_fds);
    void stop_if_over(RunStages& stages);

    StopSignal& stop_;
    OutputSink& sink_;
    RunLimits limits_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace ftnt
