#include "run/step_pipeline.h"

namespace ftnt {

void StepPipeline::after_read(bool) {
    firewall_.drain(
        [this](const netfilter::TraceStep& step) {
            if (done()) return;
            output_.step(step);
            ++passed_;
        },
        [this](const netfilter::InvalidEvent& event) {
            if (done()) return;
            output_.invalid(event);
            ++passed_;
        });
}

}  // namespace ftnt
