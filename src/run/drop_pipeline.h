// Decode, track and output for the records of one --drop run, as the stages of the RunLoop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "decode/address_namer.h"
#include "decode/drop_event.h"
#include "decode/drop_point.h"
#include "decode/inferred_reason.h"
#include "decode/tuple_source.h"
#include "discover/drop_reasons.h"
#include "output/output.h"
#include "plan/drop_plan.h"
#include "read/perf_record.h"
#include "read/summary_counters.h"
#include "run/drop_attachment.h"
#include "run/run_loop.h"
#include "track/comm_cache.h"
#include "track/drop_summary.h"
#include "track/skb_join.h"

namespace ftnt {

struct DropPipelineOptions {
    uint64_t count = 0;           // --count: drops shown; 0: all
    bool summary = false;         // --summary
    double interval_seconds = 0;  // --interval: a summary every so often; 0: at the end only
    bool by_protocol = false;     // --monitor: counts by protocol too
};

class DropPipeline : public RunStages {
  public:
    DropPipeline(DropPipelineOptions options, const DropPlan& plan, const DropReasonTable& reasons,
                 DropDecoder decoder, AddressNamer& namer, Output& output,
                 DropAttachment& attachment, std::unique_ptr<SummaryCounters> counters);

    // Kernels without drop reasons: the table of reasons their drop locations stand for.
    void infer_reasons_from(InferredReasons table) { inferred_ = std::move(table); }

    void on_record(const OwnedRecord& record) override;
    void tick(double seconds) override;
    void unreported_lost(uint32_t cpu, uint64_t lost) override;
    void flush() override { output_.flush(); }
    bool done() const override {
        return (options_.count && drops_shown_ >= options_.count) || output_.write_failed();
    }

    uint64_t events_seen() const { return events_seen_; }
    // Sampled drops plus what the kernel counted for the pairs it counts.
    DropSummary summary() const;
    uint64_t drops_total() const { return summary().total(); }

  private:
    void on_join(const TracepointRequest& request, const Sample& sample);
    void on_drop_point(const Sample& sample);
    void on_drop(const Sample& sample);
    bool passes(const DropEvent& event) const;
    void show(DropEvent& event, const Sample& sample);
    // The reason's name, or on a kernel without reasons the one `location` stands for (then
    // the flag is set); nothing when neither is known.
    std::pair<std::optional<std::string>, bool> reason_at(std::optional<uint32_t> code,
                                                          const std::string& location) const;
    void count_in_kernel(const SummaryCounters::Pair& pair);

    DropPipelineOptions options_;
    const DropPlan& plan_;
    std::vector<TupleSource> join_sources_;  // decoders of plan_.joins, same order
    const DropReasonTable& reasons_;
    DropDecoder decoder_;
    AddressNamer& namer_;
    Output& output_;
    PerfReader& reader_;
    std::unique_ptr<SummaryCounters> counters_;
    std::size_t sampler_ = 0;  // the request now sampling skb:kfree_skb
    // A reset or ICMP error and the drop of its skb come within microseconds.
    SkbJoin<PacketTuple> joins_{1'000'000'000, 65536};
    const DropPoint& point_;
    std::optional<DropPointDecoder> point_decoder_;
    // The drop-point kprobe fires on entry of the drop function, the tracepoint inside it.
    SkbJoin<DropHeaders> point_joins_{100'000'000, 4096};
    CommCache comms_;
    DropSummary summary_;
    InferredReasons inferred_;
    double last_interval_ = 0;
    uint64_t events_seen_ = 0;
    uint64_t drops_shown_ = 0;
};

}  // namespace ftnt
