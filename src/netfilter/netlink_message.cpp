#include "netfilter/netlink_message.h"

#include <linux/netlink.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace ftnt::netfilter {
namespace {

template <typename T>
T read_at(std::span<const uint8_t> bytes, std::size_t at) {
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof value);
    return value;
}

// The step to the next item: its length aligned, but never past the end.
std::size_t aligned_step(std::size_t length, std::size_t left) {
    return std::min(left, (length + 3) & ~std::size_t{3});
}

template <typename T>
std::optional<T> big_endian_of(const NetlinkAttribute& attribute) {
    if (attribute.payload.size() != sizeof(T)) return std::nullopt;
    T value = 0;
    for (uint8_t byte : attribute.payload) value = static_cast<T>(value << 8 | byte);
    return value;
}

}  // namespace

std::vector<NetlinkMessage> netlink_messages(std::span<const uint8_t> datagram) {
    std::vector<NetlinkMessage> messages;
    std::size_t at = 0;
    while (datagram.size() - at >= sizeof(nlmsghdr)) {
        auto header = read_at<nlmsghdr>(datagram, at);
        std::size_t left = datagram.size() - at;
        if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > left) break;
        messages.push_back(
            {header.nlmsg_type, header.nlmsg_flags, header.nlmsg_seq, header.nlmsg_pid,
             datagram.subspan(at + sizeof(nlmsghdr), header.nlmsg_len - sizeof(nlmsghdr))});
        at += aligned_step(header.nlmsg_len, left);
    }
    return messages;
}

std::optional<NetlinkAttributes> NetlinkAttributes::parse(std::span<const uint8_t> bytes) {
    NetlinkAttributes parsed;
    std::size_t at = 0;
    while (bytes.size() - at >= sizeof(nlattr)) {
        auto header = read_at<nlattr>(bytes, at);
        std::size_t left = bytes.size() - at;
        if (header.nla_len < sizeof(nlattr) || header.nla_len > left) return std::nullopt;
        parsed.attributes_.push_back(
            {static_cast<uint16_t>(header.nla_type & NLA_TYPE_MASK),
             bytes.subspan(at + sizeof(nlattr), header.nla_len - sizeof(nlattr))});
        at += aligned_step(header.nla_len, left);
    }
    return parsed;  // what is left, less than a header, is the last attribute's padding
}

std::optional<NetlinkAttributes> NetlinkAttributes::of_message(const NetlinkMessage& message,
                                                               std::size_t family_header_size) {
    if (message.payload.size() < family_header_size) return std::nullopt;
    auto header = std::min(message.payload.size(), NLMSG_ALIGN(family_header_size));
    return parse(message.payload.subspan(header));
}

const NetlinkAttribute* NetlinkAttributes::find(uint16_t type) const {
    auto at = std::find_if(attributes_.begin(), attributes_.end(),
                           [&](const NetlinkAttribute& a) { return a.type == type; });
    return at == attributes_.end() ? nullptr : &*at;
}

std::optional<uint16_t> be16_of(const NetlinkAttribute& attribute) {
    return big_endian_of<uint16_t>(attribute);
}

std::optional<uint32_t> be32_of(const NetlinkAttribute& attribute) {
    return big_endian_of<uint32_t>(attribute);
}

std::optional<uint64_t> be64_of(const NetlinkAttribute& attribute) {
    return big_endian_of<uint64_t>(attribute);
}

std::optional<std::string> string_of(const NetlinkAttribute& attribute, std::size_t max_size) {
    const auto& bytes = attribute.payload;
    if (bytes.empty() || bytes.size() > max_size || bytes.back() != 0) return std::nullopt;
    if (std::find(bytes.begin(), bytes.end() - 1, 0) != bytes.end() - 1) return std::nullopt;
    return std::string(bytes.begin(), bytes.end() - 1);
}

NetlinkRequest::NetlinkRequest(uint16_t type, uint16_t flags, uint32_t seq) {
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = flags;
    header.nlmsg_seq = seq;
    const auto* raw = reinterpret_cast<const uint8_t*>(&header);
    bytes_.assign(raw, raw + sizeof header);
    set_length();
}

void NetlinkRequest::put_bytes(std::span<const uint8_t> bytes) {
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    bytes_.resize((bytes_.size() + 3) & ~std::size_t{3});
    set_length();
}

void NetlinkRequest::put_string(uint16_t type, const std::string& text) {
    if (text.size() > 0xffff - sizeof(nlattr) - 1)
        throw std::length_error("netlink attribute too long");
    nlattr header{};
    header.nla_len = static_cast<uint16_t>(sizeof header + text.size() + 1);
    header.nla_type = type;
    const auto* raw = reinterpret_cast<const uint8_t*>(&header);
    bytes_.insert(bytes_.end(), raw, raw + sizeof header);
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    bytes_.push_back(0);
    bytes_.resize((bytes_.size() + 3) & ~std::size_t{3});
    set_length();
}

void NetlinkRequest::set_length() {
    auto length = static_cast<uint32_t>(bytes_.size());
    std::memcpy(bytes_.data() + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
}

}  // namespace ftnt::netfilter
