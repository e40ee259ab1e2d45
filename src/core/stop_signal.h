// SIGINT, SIGTERM and SIGHUP end a run through its normal teardown path.
#pragma once

#include <csignal>

#include "core/unique_fd.h"

namespace ftnt {

// First thing in main: the three signals are blocked, so one that comes before a run's
// handlers are installed waits for them instead of being lost (or killing the run midway).
// SIGPIPE is ignored: a closed output is seen as EPIPE and ends the run through its teardown.
// SIGXFSZ too: an output over `ulimit -f` is an EFBIG write error (exit 3), not a kill that
// skips the teardown.
void hold_stop_signals();
// For modes without a StopSignal (--check, --cleanup, faddr2line): the signals as they were.
void release_stop_signals();

// While alive, the signals set a flag and make wake_fd() readable, so a reader blocked in
// epoll returns and the caller's destructors remove every kernel object. SIGHUP stays ignored
// when it was ignored at start (nohup).
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
