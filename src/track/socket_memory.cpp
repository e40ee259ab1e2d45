#include "track/socket_memory.h"

namespace ftnt {

void SocketMemory::note(uint64_t sk, const Seen& seen) {
    if (!sk || (!seen.srtt_us && !seen.rtt_us && !seen.netns)) return;
    if (seen_.size() >= kMaxSockets && !seen_.count(sk)) seen_.clear();
    Seen& kept = seen_[sk];
    if (seen.srtt_us) kept.srtt_us = seen.srtt_us;
    if (seen.rtt_us) kept.rtt_us = seen.rtt_us;
    if (seen.netns) kept.netns = seen.netns;
}

const SocketMemory::Seen* SocketMemory::find(uint64_t sk) const {
    auto found = seen_.find(sk);
    return found == seen_.end() ? nullptr : &found->second;
}

}  // namespace ftnt
