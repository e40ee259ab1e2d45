// The user's packet filter flags (-s -d --addr -S -D -P -p) as one filters::PacketFilter;
// bad input is a UsageError (exit 2) naming the flag.
#pragma once

#include "ftnettrace/packet_filter.h"

namespace ftnt {

// `with_protocols`: --drop takes -p itself (in the kernel, by ethertype), not as a tuple check.
filters::PacketFilter packet_filter_of(const filters::FilterFlags& flags,
                                       bool with_protocols = true);

}  // namespace ftnt
