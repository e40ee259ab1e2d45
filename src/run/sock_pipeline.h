// Decode, track and output for a --sock run: every socket event becomes one sock record with
// its tuple, state change, task and the srtt/rtt/cwnd/retransmits it carries; the filters the
// kernel could not check are checked here.
#pragma once

#include <cstdint>

#include "output/output.h"
#include "plan/sock_filter.h"
#include "run/path_attachment.h"
#include "run/run_loop.h"
#include "track/comm_cache.h"
#include "track/socket_memory.h"

namespace ftnt {

struct SockPipelineOptions {
    uint64_t count = 0;  // --count: records shown; 0: all
    uint32_t pid = 0;    // --pid: 0 any
    uint32_t netns = 0;  // --netns: 0 any
};

class SockPipeline : public RunStages {
  public:
    SockPipeline(SockPipelineOptions options, const SockFilter& filter,
                 const PathAttachment& attachment, Output& output);

    void on_record(const OwnedRecord& record) override;
    void unreported_lost(uint32_t cpu, uint64_t lost) override;
    void flush() override { output_.flush(); }
    bool done() const override { return options_.count && shown_ >= options_.count; }

    uint64_t events_seen() const { return events_seen_; }
    uint64_t shown() const { return shown_; }

  private:
    void on_event(const PathEvent& event);
    bool passes(const SockView& view) const;

    SockPipelineOptions options_;
    const SockFilter& filter_;
    const PathAttachment& attachment_;
    Output& output_;
    CommCache comms_;
    SocketMemory memory_;
    uint64_t events_seen_ = 0;
    uint64_t shown_ = 0;
};

// The record of one decoded socket event (no task name yet).
SockView sock_view_of(const PathEvent& event);

// The fields of the sock tracepoints a record shows (those its format has).
const std::vector<std::string>& sock_tracepoint_fields();

}  // namespace ftnt
