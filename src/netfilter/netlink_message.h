// Netlink messages and attributes as the kernel hands them: a bounds-checked walk over a
// datagram's messages and a message's attributes (every length checked against what is
// left), typed reads that check an attribute's size, and a request writer.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ftnt::netfilter {

struct NetlinkMessage {
    uint16_t type = 0;
    uint16_t flags = 0;
    uint32_t seq = 0;
    uint32_t port = 0;
    std::span<const uint8_t> payload;  // after the nlmsghdr, nlmsg_len - 16 bytes
};

// The whole messages of a datagram in order; the walk stops at the first one whose length is
// shorter than its header or runs past the end of the datagram.
std::vector<NetlinkMessage> netlink_messages(std::span<const uint8_t> datagram);

struct NetlinkAttribute {
    uint16_t type = 0;  // without NLA_F_NESTED / NLA_F_NET_BYTEORDER
    std::span<const uint8_t> payload;
};

// The attributes of a message (after its family header) or of a nest. nullopt when any
// attribute is shorter than its header or runs past the end; padding at the end is allowed.
class NetlinkAttributes {
  public:
    static std::optional<NetlinkAttributes> parse(std::span<const uint8_t> bytes);
    // A message's attributes after its family header (nfgenmsg for nfnetlink), which is padded
    // to 4 bytes; nullopt also when the message is shorter than that header.
    static std::optional<NetlinkAttributes> of_message(const NetlinkMessage& message,
                                                       std::size_t family_header_size);
    // The first attribute of that type.
    const NetlinkAttribute* find(uint16_t type) const;
    const std::vector<NetlinkAttribute>& all() const { return attributes_; }

  private:
    std::vector<NetlinkAttribute> attributes_;
};

// Typed reads, nullopt unless the payload has exactly the type's size. nfnetlink's integers
// are big-endian.
std::optional<uint16_t> be16_of(const NetlinkAttribute& attribute);
std::optional<uint32_t> be32_of(const NetlinkAttribute& attribute);
std::optional<uint64_t> be64_of(const NetlinkAttribute& attribute);
// A NUL-terminated string of at most max_size bytes with its NUL, without NULs inside.
std::optional<std::string> string_of(const NetlinkAttribute& attribute, std::size_t max_size);

// A request: nlmsghdr, then the family header, then attributes, each 4-byte aligned.
class NetlinkRequest {
  public:
    NetlinkRequest(uint16_t type, uint16_t flags, uint32_t seq);
    void put_bytes(std::span<const uint8_t> bytes);  // the family header (aligned)
    void put_string(uint16_t type, const std::string& text);
    std::span<const uint8_t> bytes() const { return bytes_; }

  private:
    void set_length();
    std::vector<uint8_t> bytes_;
};

}  // namespace ftnt::netfilter
