#include <cstdio>
#include <ctime>

#include "output/append.h"
#include "output/formats.h"
#include "output/output.h"

namespace ftnt {
namespace {

int64_t now_ns(clockid_t clock) {
    timespec ts;
    ::clock_gettime(clock, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

int64_t measure_monotonic_to_realtime() {
    return now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
}

std::string format_time(uint64_t monotonic_ns, const TimeFormat& time) {
    std::string text;
    append_time(text, monotonic_ns, time);
    return text;
}

void append_time(std::string& out, uint64_t monotonic_ns, const TimeFormat& time) {
    if (!time.wall_clock) {
        append_seconds(out, monotonic_ns);
        return;
    }
    char text[64];
    int64_t wall = static_cast<int64_t>(monotonic_ns) + time.monotonic_to_realtime_ns;
    time_t seconds = static_cast<time_t>(wall / 1'000'000'000);
    tm local;
    ::localtime_r(&seconds, &local);
    std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &local);
    std::snprintf(text + n, sizeof text - n, ".%06lld",
                  static_cast<long long>(wall % 1'000'000'000 / 1000));
    out += text;
}

}  // namespace ftnt
