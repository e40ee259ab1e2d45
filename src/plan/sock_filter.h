// Plan of a --sock run: which points it takes and the part of its filter each point's own
// fields let the kernel check (the rest is checked in user space, run/sock_pipeline).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ftnettrace/packet_filter.h"
#include "plan/path_plan.h"

namespace ftnt {

struct SockFilter {
    filters::PacketFilter packet;  // -s -d --addr -S -D -P: a socket's tuple either way round
    std::optional<int> state;      // --tcp-state: the kernel's value
    uint64_t srtt_us = 0;          // --tcp-srtt, 0: none
    uint64_t rtt_us = 0;           // --tcp-rtt, 0: none
};

// Whether the point can report a state change (inet_sock_set_state, tcp_set_state).
bool sock_point_changes_state(const PathProbe& probe);

// The ftrace filter expression of one point, "" when its fields allow none. `has_field` says
// whether the point's records have a field of that name (its format file, its fetchargs).
std::string sock_kernel_filter(const PathProbe& probe, const SockFilter& filter,
                               const std::function<bool(const std::string&)>& has_field);

}  // namespace ftnt
