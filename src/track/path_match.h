// Which path events start or join a followed packet: the user's filter and the checks the
// kernel filter cannot make (pid, TCP flags, ICMP id), applied in user space.
#pragma once

#include <cstdint>

#include "decode/path_event.h"
#include "ftnettrace/packet_filter.h"
#include "plan/path_plan.h"

namespace ftnt {

struct UserChecks {
    uint32_t pid = 0;       // 0: any
    uint8_t tcp_flags = 0;  // every bit set must be set in the packet
    int icmp_id = -1;       // < 0: any
};

class PathMatch {
  public:
    PathMatch(const filters::PacketFilter& filter, uint32_t netns, bool kprobes, UserChecks checks)
        : filter_(filter), netns_(netns), kprobes_(kprobes), checks_(checks) {}

    // Whether `event` at `probe` starts (or is part of) a followed packet.
    bool matches(const PathEvent& event, const PathProbe& probe) const;
    // A socket's event without a packet: its tuple, either way round, passes the filter.
    bool socket_event_passes(const PathEvent& event) const;

  private:
    bool user_checks_pass(const PathEvent& event) const;

    const filters::PacketFilter& filter_;
    uint32_t netns_;
    bool kprobes_;
    UserChecks checks_;
};

}  // namespace ftnt
