// What the run last saw of each socket (by its kernel address): its srtt, its last RTT
// sample and its netns, for filtering the events that do not carry them (a state change has
// no srtt; a tracepoint has no netns).
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

namespace ftnt {

class SocketMemory {
  public:
    struct Seen {
        std::optional<uint64_t> srtt_us;
        std::optional<int64_t> rtt_us;
        uint32_t netns = 0;
    };

    // Values absent (or 0 for netns) keep what was seen before.
    void note(uint64_t sk, const Seen& seen);
    // The socket is destroyed: its address may come back for another one.
    void forget(uint64_t sk) { seen_.erase(sk); }
    const Seen* find(uint64_t sk) const;
    std::size_t size() const { return seen_.size(); }

    // At most this many sockets are remembered; past it, the memory starts again empty.
    static constexpr std::size_t kMaxSockets = 65536;

  private:
    std::unordered_map<uint64_t, Seen> seen_;
};

}  // namespace ftnt
