// The packets a run's own LOG rule announced in the kernel log. A legacy TRACE line names no
// namespace, but the LOG rule beside the run's TRACE rule sits in the run's namespace and
// writes the run's prefix: a TRACE line is the run's when its packet was announced so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "ftnettrace/firewall_step.h"

namespace ftnt::netfilter {

// What the LOG and TRACE lines of one packet share, as text. IPv4: protocol, length, IP ID and
// the TCP sequence / echo sequence (NAT after raw changes addresses, ports and echo ids, not
// these); with ID 0 (RSTs, some DF packets) the addresses and ports too. IPv6 has no ID: the
// addresses, ports, echo id and sequence. Empty when the line holds no packet.
std::string announce_key(const PacketInfo& packet);

class AnnouncedPackets {
  public:
    // A TRACE line up to `window_us` (kernel log time) after its packet's last announcement is
    // ours; at most `capacity` packets are remembered (the oldest go first).
    explicit AnnouncedPackets(uint64_t window_us = 5'000'000, std::size_t capacity = 65536);
    void announce(const PacketInfo& packet, uint64_t time_us);
    bool announced(const PacketInfo& packet, uint64_t time_us) const;
    std::size_t size() const { return last_seen_us_.size(); }

  private:
    void forget_older_than(uint64_t time_us);
    uint64_t window_us_;
    std::size_t capacity_;
    std::unordered_map<std::string, uint64_t> last_seen_us_;
    std::deque<std::pair<std::string, uint64_t>> order_;  // (key, time) as announced
};

}  // namespace ftnt::netfilter
