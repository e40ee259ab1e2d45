// Firewall steps on their own (no kprobes, or --steps-only), as the stages of the RunLoop:
// printed as the kernel log and the trace socket give them.
#pragma once

#include <cstdint>

#include "netfilter/firewall_trace.h"
#include "output/output.h"
#include "run/run_loop.h"

namespace ftnt {

class StepPipeline : public RunStages {
  public:
    // `count`: steps and invalid packets given to the output; 0: all.
    StepPipeline(netfilter::FirewallTrace& firewall, Output& output, uint64_t count)
        : firewall_(firewall), output_(output), count_(count) {}

    void after_read(bool last) override;
    void flush() override { output_.flush(); }
    bool done() const override { return count_ && passed_ >= count_; }

  private:
    netfilter::FirewallTrace& firewall_;
    Output& output_;
    uint64_t count_;
    uint64_t passed_ = 0;
};

}  // namespace ftnt
