#include "run/run_loop.h"

#include <poll.h>

#include "core/stop_signal.h"
#include "output/output_sink.h"

namespace ftnt {

namespace {
constexpr int kWaitMs = 100;
}

double RunLoop::seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void RunLoop::run(PerfReader* reader, const std::vector<int>& wait_fds, RunStages& stages) {
    start_ = std::chrono::steady_clock::now();
    auto handle = [&](const OwnedRecord& record) { stages.on_record(record); };
    while (!stop_.requested()) {
        wait(reader, wait_fds);
        uint64_t watermark = reader ? reader->watermark() : 0;
        stages.before_release(watermark, false);
        if (reader) reader->release(false, watermark, handle);
        stages.after_read(false);
        stages.flush();
        stages.tick(seconds());
        stop_if_over(stages);
    }
    // What arrived before the stop still counts.
    if (reader) {
        reader->disable();
        reader->poll(0, -1);
    }
    stages.before_release(UINT64_MAX, true);
    if (reader) reader->release(true, UINT64_MAX, handle);
    stages.after_read(true);
    if (reader)
        reader->settle_lost([&](int cpu, uint64_t lost) {
            stages.unreported_lost(static_cast<uint32_t>(cpu), lost);
        });
    stages.flush();
}

void RunLoop::wait(PerfReader* reader, const std::vector<int>& wait_fds) {
    if (reader) {
        reader->poll(kWaitMs, stop_.wake_fd());
        return;
    }
    std::vector<pollfd> fds{{stop_.wake_fd(), POLLIN, 0}};
    for (int fd : wait_fds) fds.push_back({fd, POLLIN, 0});
    ::poll(fds.data(), fds.size(), kWaitMs);
}

void RunLoop::stop_if_over(RunStages& stages) {
    if (sink_.stopped() || stages.done()) stop_.request();
    if (limits_.duration_seconds > 0 && seconds() >= limits_.duration_seconds) stop_.request();
}

}  // namespace ftnt
