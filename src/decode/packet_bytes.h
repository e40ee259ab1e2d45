// The bytes of a packet as a probe fetched them, cut where the packet starts (its IP header,
// or its Ethernet header when that was fetched too) and where its IP header says it ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ftnt {

struct CapturedPacket {
    std::vector<uint8_t> bytes;
    bool ethernet = false;         // bytes start at a fetched Ethernet header, else at IP
    uint32_t original_length = 0;  // the packet's length from the same start
};

// The packet whose IP header starts at `ip` in `window`; `mac`: where its Ethernet header
// starts, when it was fetched and ends right at `ip`. Nothing when no IP header is there.
std::optional<CapturedPacket> capture_packet(std::span<const uint8_t> window, std::size_t ip,
                                             std::optional<std::size_t> mac = std::nullopt);

}  // namespace ftnt
