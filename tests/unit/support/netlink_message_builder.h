// Builds netlink messages byte by byte for tests: a nlmsghdr, a family header, attributes
// (big-endian integers as nfnetlink sends them, NUL-terminated strings, raw bytes, nests),
// each 4-byte aligned; and raw access to corrupt what was built. Written for ftnettrace's
// tests from the layout in <linux/netlink.h>.
#pragma once

#include <linux/netlink.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

namespace ftnt::test {

class NetlinkMessageBuilder {
  public:
    NetlinkMessageBuilder(uint16_t type, uint16_t flags = 0, uint32_t seq = 0, uint32_t port = 0) {
        nlmsghdr header{};
        header.nlmsg_type = type;
        header.nlmsg_flags = flags;
        header.nlmsg_seq = seq;
        header.nlmsg_pid = port;
        append(&header, sizeof header);
    }
    // The family header (struct nfgenmsg for nfnetlink).
    NetlinkMessageBuilder& family_header(uint8_t family, uint8_t version = 0, uint16_t res_id = 0) {
        const uint8_t bytes[4] = {family, version, static_cast<uint8_t>(res_id >> 8),
                                  static_cast<uint8_t>(res_id)};
        append(bytes, sizeof bytes);
        return *this;
    }
    NetlinkMessageBuilder& bytes(uint16_t type, std::span<const uint8_t> payload) {
        nlattr header{};
        header.nla_len = static_cast<uint16_t>(sizeof header + payload.size());
        header.nla_type = type;
        append(&header, sizeof header);
        append(payload.data(), payload.size());
        return *this;
    }
    NetlinkMessageBuilder& be16(uint16_t type, uint16_t value) {
        return big_endian(type, value, 2);
    }
    NetlinkMessageBuilder& be32(uint16_t type, uint32_t value) {
        return big_endian(type, value, 4);
    }
    NetlinkMessageBuilder& be64(uint16_t type, uint64_t value) {
        return big_endian(type, value, 8);
    }
    NetlinkMessageBuilder& string(uint16_t type, const std::string& text) {
        std::vector<uint8_t> payload(text.begin(), text.end());
        payload.push_back(0);
        return bytes(type, payload);
    }
    // nest_begin(NFTA_TRACE_VERDICT).be32(...).nest_end()
    NetlinkMessageBuilder& nest_begin(uint16_t type) {
        nests_.push_back(data_.size());
        nlattr header{};
        header.nla_type = static_cast<uint16_t>(type | NLA_F_NESTED);
        append(&header, sizeof header);
        return *this;
    }
    NetlinkMessageBuilder& nest_end() {
        std::size_t at = nests_.back();
        nests_.pop_back();
        auto length = static_cast<uint16_t>(data_.size() - at);
        std::memcpy(data_.data() + at, &length, sizeof length);
        return *this;
    }
    // The message; nlmsg_len is its length, padding included.
    std::vector<uint8_t> build() const {
        auto message = data_;
        auto length = static_cast<uint32_t>(message.size());
        std::memcpy(message.data(), &length, sizeof length);
        return message;
    }
    // Offset of the next attribute, to corrupt one after building it.
    std::size_t size() const { return data_.size(); }

  private:
    NetlinkMessageBuilder& big_endian(uint16_t type, uint64_t value, std::size_t size) {
        std::vector<uint8_t> payload(size);
        for (std::size_t i = 0; i < size; ++i)
            payload[size - 1 - i] = static_cast<uint8_t>(value >> (8 * i));
        return bytes(type, payload);
    }
    // resize + memcpy, not vector::insert: GCC 12 at -O3 reports a false
    // -Wstringop-overflow for an insert into the empty vector of the constructor.
    void append(const void* bytes, std::size_t size) {
        std::size_t at = data_.size();
        data_.resize((at + size + 3) & ~std::size_t{3});
        if (size != 0) std::memcpy(data_.data() + at, bytes, size);
    }
    std::vector<uint8_t> data_;
    std::vector<std::size_t> nests_;
};

// Writes the 16-bit little-endian field at `at` (an nla_len, say) of a built message.
inline void set_u16(std::vector<uint8_t>& message, std::size_t at, uint16_t value) {
    std::memcpy(message.data() + at, &value, sizeof value);
}

}  // namespace ftnt::test
