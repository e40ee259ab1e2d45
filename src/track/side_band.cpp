#include "track/side_band.h"

#include <linux/perf_event.h>

namespace ftnt {

bool handle_side_band(std::span<const uint8_t> record, uint64_t sample_type, CommCache& comms,
                      const std::function<void(const LostRecord&)>& on_lost) {
    auto header = read_record_header(record);
    if (!header) return true;
    switch (header->type) {
        case PERF_RECORD_LOST:
            if (auto lost = parse_lost(record, sample_type)) on_lost(*lost);
            return true;
        case PERF_RECORD_COMM:
            if (auto task = parse_comm(record)) comms.renamed(task->tid, task->comm);
            return true;
        case PERF_RECORD_FORK:
            if (auto fork = parse_fork(record)) comms.forked(fork->tid, fork->ptid);
            return true;
        default:
            return false;
    }
}

}  // namespace ftnt
