// SIGINT, SIGTERM and SIGHUP end a run through its normal teardown path.
#pragma once

#include <csignal>

#include "core/unique_fd.h"

namespace ftnt {

// While alive, the three signals set a flag and make wake_fd() readable, so a reader
// blocked in epoll returns and the caller's destructors remove every kernel object.
class StopSignal {
  public:
    StopSignal();
    ~StopSignal();
    StopSignal(const StopSignal&) = delete;
    StopSignal& operator=(const StopSignal&) = delete;

    bool requested() const;
    int received_signal() const;
    int wake_fd() const { return wake_.get(); }
    // Ends the run from inside the program (-c reached, --duration elapsed).
    void request();

  private:
    UniqueFd wake_;
    struct sigaction previous_[3] = {};
};

}  // namespace ftnt
