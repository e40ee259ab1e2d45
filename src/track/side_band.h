// The records every perf ring carries besides samples: lost counts and task names.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "read/perf_record.h"
#include "track/comm_cache.h"

namespace ftnt {

// Handles PERF_RECORD_LOST (reported through on_lost), COMM and FORK (into comms). Returns
// false for any other record, which the caller decodes as a sample. `sample_type`: what the
// ring's events were opened with (it places the LOST record's sample id).
bool handle_side_band(std::span<const uint8_t> record, uint64_t sample_type, CommCache& comms,
                      const std::function<void(const LostRecord&)>& on_lost);

}  // namespace ftnt
