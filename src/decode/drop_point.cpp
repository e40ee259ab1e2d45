#include "decode/drop_point.h"

#include <cstdio>
#include <cstring>

#include "decode/packet_headers.h"

namespace ftnt {
namespace {

constexpr uint16_t kUnset = 0xffff;
constexpr std::size_t kEthernetHeader = 14;

// Offset in the window of the header at head + offset, when it lies in the readable part.
std::optional<std::size_t> in_window(const DropPointFetch& f, uint16_t offset) {
    if (offset == kUnset) return std::nullopt;
    uint64_t start = f.data - static_cast<uint64_t>(f.window_before);
    uint64_t readable = f.head > start ? f.head : start;
    uint64_t address = f.head + offset;
    if (address < readable || address >= start + f.window.size()) return std::nullopt;
    return static_cast<std::size_t>(address - start);
}

}  // namespace

std::string format_mac(const std::array<uint8_t, 6>& mac) {
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                  mac[3], mac[4], mac[5]);
    return text;
}

DropHeaders headers_at_drop_point(const DropPointFetch& f) {
    DropHeaders out;
    auto network = in_window(f, f.network_header);
    if (!network) return out;
    if (auto details = decode_headers(f.window.subspan(*network), filters::Layer::L3, f.ethertype))
        out.tuple = details->tuple;
    auto mac = in_window(f, f.mac_header);
    if (mac && *mac + kEthernetHeader <= *network) {
        MacAddresses addresses;
        std::memcpy(addresses.destination.data(), &f.window[*mac], 6);
        std::memcpy(addresses.source.data(), &f.window[*mac + 6], 6);
        out.mac = addresses;
    }
    if (out.tuple) out.bytes = capture_packet(f.window, *network, mac);
    return out;
}

DropPointDecoder::DropPointDecoder(tep_event* event, int window_before)
    : window_before_(window_before),
      skb_(event, "skb"),
      protocol_(event, "protocol"),
      head_(event, "head"),
      data_(event, "data"),
      nh_(event, "nh"),
      mh_(event, "mh"),
      hdr_(event, "hdr"),
      dev_(event, "dev"),
      devp_(event, "devp"),
      netns_(event, "netns") {}

std::optional<DropHeaders> DropPointDecoder::decode(std::span<const uint8_t> raw) const {
    auto skb = skb_.number(raw);
    if (!skb) return std::nullopt;
    DropPointFetch fetch;
    fetch.head = head_.number(raw).value_or(0);
    fetch.data = data_.number(raw).value_or(0);
    fetch.network_header = static_cast<uint16_t>(nh_.number(raw).value_or(kUnset));
    fetch.mac_header = static_cast<uint16_t>(mh_.number(raw).value_or(kUnset));
    // skb->protocol as stored in memory (network order) read as a little-endian u16.
    auto protocol = static_cast<uint16_t>(protocol_.number(raw).value_or(0));
    fetch.ethertype = static_cast<uint16_t>(protocol >> 8 | (protocol & 0xff) << 8);
    fetch.window = hdr_.bytes(raw);
    fetch.window_before = window_before_;
    DropHeaders headers = headers_at_drop_point(fetch);
    headers.skb = *skb;
    // A NULL skb->dev faults both reads: the name is then empty and the netns stale.
    if (devp_.number(raw).value_or(0) != 0) {
        headers.dev = dev_.text(raw);
        if (!headers.dev.empty())
            headers.netns = static_cast<uint32_t>(netns_.number(raw).value_or(0));
    }
    return headers;
}

}  // namespace ftnt
