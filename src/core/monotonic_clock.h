// CLOCK_MONOTONIC in nanoseconds: the clock every perf event of a run is opened on
// (use_clockid), so user-space times compare with record times.
#pragma once

#include <time.h>

#include <cstdint>

namespace ftnt {

inline uint64_t monotonic_now_ns() {
    timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull +
           static_cast<uint64_t>(now.tv_nsec);
}

}  // namespace ftnt
