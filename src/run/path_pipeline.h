// Decode, track and output for the records of one path run, as the stages of the RunLoop.
#pragma once

#include <cstdint>
#include <deque>
#include <map>

#include "decode/address_namer.h"
#include "decode/inferred_reason.h"
#include "discover/drop_reasons.h"
#include "judge/judge.h"
#include "netfilter/firewall_trace.h"
#include "output/output.h"
#include "output/path_naming.h"
#include "run/path_attachment.h"
#include "run/path_keys.h"
#include "run/run_loop.h"
#include "track/comm_cache.h"
#include "track/lifecycle.h"
#include "track/path_match.h"
#include "track/step_join.h"

namespace ftnt {

struct DiagOptions {
    bool quiet = false;  // --diag-quiet: only packets with a WARN or ERROR finding
    bool keep = false;   // --diag-keep: go on after a packet with an ERROR
};

struct PathPipelineOptions {
    bool basic = false;         // --basic: one line an event
    uint64_t count = 0;         // --count: packets (events with --basic) shown; 0: all
    double min_latency_ms = 0;  // --min-latency
};

class PathPipeline : public RunStages {
  public:
    PathPipeline(PathPipelineOptions options, const PathMatch& match,
                 const PathAttachment& attachment, const DropReasonTable& reasons,
                 AddressNamer& namer, Output& output);

    // Kernels without drop reasons: the table of reasons their drop locations stand for.
    void infer_reasons_from(InferredReasons table) { inferred_ = std::move(table); }
    // The catalog's keys for the points it reads by name (infer_reason, drops_inside).
    void read_keys(PathKeys keys) { keys_ = std::move(keys); }
    // --iptables-trace: steps wait in a join for their packet; finished packets wait a
    // little for their steps (the kernel log and the trace socket are read after the ring).
    // Steps of no packet are shown on their own.
    void join_firewall_steps(netfilter::FirewallTrace& firewall) { firewall_ = &firewall; }

    // --diag: each packet shown is judged, its findings shown after it.
    void judge_with(Judge& judge, DiagOptions options) {
        judge_ = &judge;
        diag_ = options;
    }

    // In-kernel following: the followed frees come from the instance's ring, not perf.
    void read_followed_frees(InstanceRing& ring) { ring_ = &ring; }

    void before_release(uint64_t watermark, bool last) override;
    void on_record(const OwnedRecord& record) override;
    void after_read(bool last) override;
    void tick(double seconds) override;
    void unreported_lost(uint32_t cpu, uint64_t lost) override;
    void flush() override { output_.flush(); }
    bool done() const override { return limit_reached(); }

    uint64_t joined_steps() const { return joined_steps_; }
    uint64_t events_seen() const { return events_seen_; }

  private:
    bool limit_reached() const {
        return (options_.count && shown_ >= options_.count) || diag_stopped_ ||
               output_.write_failed();
    }
    void on_event(PathEvent event, const AttachedProbe& probe);
    void infer_reason(PathEvent& event);
    void read_ring();
    void release_ring_until(uint64_t time_ns);
    void on_return(const PathEvent& event, const std::string& func, bool clones);
    void on_step(const netfilter::TraceStep& step);
    void release_waiting(bool all);
    void show_alone(const PathEvent& event);
    void finished(Lifecycle& lifecycle);
    void show(const Lifecycle& lifecycle);

    PathPipelineOptions options_;
    const PathMatch& match_;
    const PathAttachment& attachment_;
    const DropReasonTable& reasons_;
    InferredReasons inferred_;
    PathKeys keys_;
    AddressNamer& namer_;
    Output& output_;
    CommCache comms_;
    PathNaming naming_{namer_, comms_};
    LifecycleTracker tracker_;
    uint64_t events_seen_ = 0;
    uint64_t shown_ = 0;
    double last_idle_flush_ = 0;
    static constexpr uint64_t kStepSettleNs = 300'000'000;
    static constexpr uint64_t kUnjoinedAfterNs = 3'000'000'000ull;
    netfilter::FirewallTrace* firewall_ = nullptr;
    StepJoin join_;
    std::deque<Lifecycle> waiting_;
    uint64_t joined_steps_ = 0;
    Judge* judge_ = nullptr;
    DiagOptions diag_;
    bool diag_stopped_ = false;  // --diag without --diag-keep: a packet had an ERROR
    InstanceRing* ring_ = nullptr;
    // The ring's records wait for their place among the perf records: each goes out before
    // the first perf record later than it, or once the perf watermark has passed it.
    std::multimap<uint64_t, std::pair<PathEvent, const AttachedProbe*>> ring_waiting_;
    uint64_t ring_watermark_ = 0;
};

}  // namespace ftnt
