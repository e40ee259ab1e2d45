// Decode, track and output for a --reset run: every reset event becomes one reset record with
// its direction, its tuple in the reset's own direction, its task, its stack and its cause.
#pragma once

#include <cstdint>

#include "decode/address_namer.h"
#include "ftnettrace/packet_filter.h"
#include "output/output.h"
#include "run/path_attachment.h"
#include "run/run_loop.h"
#include "track/comm_cache.h"

namespace ftnt {

struct ResetPipelineOptions {
    uint64_t count = 0;  // --count: resets shown; 0: all
    uint32_t pid = 0;    // --pid: 0 any
};

class ResetPipeline : public RunStages {
  public:
    ResetPipeline(ResetPipelineOptions options, const filters::PacketFilter& filter,
                  const PathAttachment& attachment, AddressNamer& namer, Output& output);

    void on_record(const OwnedRecord& record) override;
    void unreported_lost(uint32_t cpu, uint64_t lost) override;
    void flush() override { output_.flush(); }
    bool done() const override { return options_.count && shown_ >= options_.count; }

    uint64_t events_seen() const { return events_seen_; }
    uint64_t shown() const { return shown_; }

  private:
    void on_event(const PathEvent& event, const PathProbe& probe);
    bool passes(const PathEvent& event, const std::optional<PacketTuple>& tuple) const;

    ResetPipelineOptions options_;
    const filters::PacketFilter& filter_;
    const PathAttachment& attachment_;
    AddressNamer& namer_;
    Output& output_;
    CommCache comms_;
    uint64_t events_seen_ = 0;
    uint64_t shown_ = 0;
};

// Which direction a reset point sees, and whether its tuple is the answered segment's (to be
// reversed into the reset's direction).
bool reset_point_receives(const std::string& point);
bool reset_point_sees_answered_segment(const std::string& point);

}  // namespace ftnt
