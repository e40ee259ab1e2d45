#include "decode/packet_bytes.h"

#include <algorithm>

namespace ftnt {
namespace {

constexpr std::size_t kEthernetHeader = 14;

// The IP packet's length from its header; 0 when the header gives none (an IPv6 jumbogram,
// a GSO skb whose tot_len was left 0).
std::size_t ip_length(std::span<const uint8_t> ip) {
    unsigned version = ip[0] >> 4;
    if (version == 4 && ip.size() >= 20) {
        std::size_t total = static_cast<std::size_t>(ip[2] << 8 | ip[3]);
        return total >= 20 ? total : 0;
    }
    if (version == 6 && ip.size() >= 40) {
        std::size_t payload = static_cast<std::size_t>(ip[4] << 8 | ip[5]);
        return payload ? payload + 40 : 0;
    }
    return 0;
}

}  // namespace

std::optional<CapturedPacket> capture_packet(std::span<const uint8_t> window, std::size_t ip,
                                             std::optional<std::size_t> mac) {
    if (ip >= window.size()) return std::nullopt;
    auto header = window.subspan(ip);
    unsigned version = header[0] >> 4;
    if (version != 4 && version != 6) return std::nullopt;
    bool ethernet = mac && *mac + kEthernetHeader == ip;
    std::size_t start = ethernet ? *mac : ip;
    std::size_t fetched = window.size() - start;
    std::size_t length = ip_length(header);
    CapturedPacket out;
    out.ethernet = ethernet;
    if (length) {
        length += ip - start;
        out.original_length = static_cast<uint32_t>(length);
    } else {
        out.original_length = static_cast<uint32_t>(fetched);
    }
    // Bytes past the packet's end are whatever the buffer held after it: never written.
    std::size_t kept = length ? std::min(length, fetched) : fetched;
    out.bytes.assign(window.begin() + static_cast<std::ptrdiff_t>(start),
                     window.begin() + static_cast<std::ptrdiff_t>(start + kept));
    return out;
}

}  // namespace ftnt
