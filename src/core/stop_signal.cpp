#include "core/stop_signal.h"

#include <sys/eventfd.h>

#include <atomic>
#include <cstdint>

#include "core/errors.h"

namespace ftnt {
namespace {

constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
std::atomic<int> g_signal{0};
std::atomic<bool> g_requested{false};
int g_wake_fd = -1;

void wake() {
    uint64_t one = 1;
    if (g_wake_fd >= 0) [[maybe_unused]]
        auto n = ::write(g_wake_fd, &one, sizeof one);
}

void on_signal(int signal_number) {
    g_signal.store(signal_number);
    g_requested.store(true);
    wake();
}

sigset_t stop_signal_set() {
    sigset_t set;
    sigemptyset(&set);
    for (int signal_number : kSignals) sigaddset(&set, signal_number);
    return set;
}

}  // namespace

void hold_stop_signals() {
    sigset_t set = stop_signal_set();
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    ::signal(SIGXFSZ, SIG_IGN);
}

void release_stop_signals() {
    sigset_t set = stop_signal_set();
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
}

StopSignal::StopSignal() : wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!wake_.valid()) throw KernelError(errno_message("eventfd", errno));
    g_wake_fd = wake_.get();
    g_signal = 0;
    g_requested = false;
    struct sigaction action = {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < 3; ++i) {
        sigaction(kSignals[i], nullptr, &previous_[i]);
        bool nohup = kSignals[i] == SIGHUP && previous_[i].sa_handler == SIG_IGN;
        if (!nohup) sigaction(kSignals[i], &action, nullptr);
    }
    // A signal held since main started is delivered here, to the handler.
    release_stop_signals();
}

StopSignal::~StopSignal() {
    for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &previous_[i], nullptr);
    g_wake_fd = -1;
}

bool StopSignal::requested() const {
    return g_requested.load();
}
int StopSignal::received_signal() const {
    return g_signal.load();
}

void StopSignal::request() {
    g_requested.store(true);
    wake();
}

}  // namespace ftnt
