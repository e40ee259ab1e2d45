// The netlink walker on malformed input: every message and attribute length is checked
// against what is left of the datagram or nest, and typed reads check the payload's size.
// Messages are built by tests/unit/support/netlink_message_builder.h and then corrupted.
#include "netfilter/netlink_message.h"

#include <gtest/gtest.h>
#include <linux/netlink.h>

#include <cstring>
#include <vector>

#include "unit/support/netlink_message_builder.h"

namespace ftnt::netfilter {
namespace {

using test::NetlinkMessageBuilder;

std::vector<uint8_t> two_messages() {
    auto first = NetlinkMessageBuilder(100, 0, 1).family_header(1).be32(1, 7).build();
    auto second = NetlinkMessageBuilder(101, 0, 2).family_header(1).string(2, "x").build();
    first.insert(first.end(), second.begin(), second.end());
    return first;
}

void set_u32(std::vector<uint8_t>& bytes, std::size_t at, uint32_t value) {
    std::memcpy(bytes.data() + at, &value, sizeof value);
}

TEST(NetlinkMessages, WholeMessagesInOrder) {
    auto datagram = two_messages();
    auto messages = netlink_messages(datagram);
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].type, 100);
    EXPECT_EQ(messages[0].seq, 1u);
    EXPECT_EQ(messages[0].payload.size(), 4u + 8u);  // nfgenmsg, one u32 attribute
    EXPECT_EQ(messages[1].type, 101);
}

TEST(NetlinkMessages, LengthPastTheEndStopsTheWalk) {
    auto datagram = two_messages();
    std::size_t second = netlink_messages(datagram)[0].payload.size() + sizeof(nlmsghdr);
    set_u32(datagram, second, static_cast<uint32_t>(datagram.size() - second + 1));
    auto messages = netlink_messages(datagram);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].type, 100);
}

TEST(NetlinkMessages, LengthShorterThanItsHeaderStopsTheWalk) {
    auto datagram = two_messages();
    set_u32(datagram, 0, 8);
    EXPECT_TRUE(netlink_messages(datagram).empty());
    set_u32(datagram, 0, 0);  // would loop forever if taken as a step
    EXPECT_TRUE(netlink_messages(datagram).empty());
}

TEST(NetlinkMessages, TruncatedDatagramKeepsOnlyWholeMessages) {
    auto datagram = two_messages();
    for (std::size_t cut = 0; cut < datagram.size(); ++cut) {
        std::vector<uint8_t> part(datagram.begin(), datagram.begin() + static_cast<long>(cut));
        auto messages = netlink_messages(part);
        for (const auto& m : messages)
            EXPECT_LE(m.payload.data() + m.payload.size(), part.data() + part.size());
        EXPECT_LE(messages.size(), 1u) << "cut at " << cut;
    }
}

std::span<const uint8_t> attributes_of(const std::vector<uint8_t>& message) {
    return std::span<const uint8_t>(message).subspan(sizeof(nlmsghdr) + 4);
}

TEST(NetlinkAttributes, ReadsTypesAndPayloads) {
    auto message = NetlinkMessageBuilder(100)
                       .family_header(1)
                       .be16(1, 0x0102)
                       .be32(2, 0x01020304)
                       .be64(3, 0x0102030405060708)
                       .string(4, "input")
                       .build();
    auto attributes = NetlinkAttributes::parse(attributes_of(message));
    ASSERT_TRUE(attributes);
    ASSERT_EQ(attributes->all().size(), 4u);
    EXPECT_EQ(be16_of(*attributes->find(1)), 0x0102);
    EXPECT_EQ(be32_of(*attributes->find(2)), 0x01020304u);
    EXPECT_EQ(be64_of(*attributes->find(3)), 0x0102030405060708u);
    EXPECT_EQ(string_of(*attributes->find(4), 256), "input");
    EXPECT_EQ(attributes->find(5), nullptr);
}

TEST(NetlinkAttributes, LengthPastTheEndIsRejected) {
    auto message = NetlinkMessageBuilder(100).family_header(1).be32(1, 1).be32(2, 2).build();
    std::size_t second = sizeof(nlmsghdr) + 4 + 8;
    test::set_u16(message, second, 9);  // 4 header + 5: one byte past the message
    EXPECT_FALSE(NetlinkAttributes::parse(attributes_of(message)));
    test::set_u16(message, second, 0xffff);
    EXPECT_FALSE(NetlinkAttributes::parse(attributes_of(message)));
}

TEST(NetlinkAttributes, LengthShorterThanItsHeaderIsRejected) {
    auto message = NetlinkMessageBuilder(100).family_header(1).be32(1, 1).build();
    for (uint16_t length : {uint16_t{0}, uint16_t{1}, uint16_t{3}}) {
        test::set_u16(message, sizeof(nlmsghdr) + 4, length);
        EXPECT_FALSE(NetlinkAttributes::parse(attributes_of(message))) << length;
    }
}

TEST(NetlinkAttributes, TruncatedAttributeIsRejected) {
    auto message = NetlinkMessageBuilder(100).family_header(1).be64(1, 1).build();
    auto bytes = attributes_of(message);
    for (std::size_t cut = 4; cut < bytes.size(); ++cut)
        EXPECT_FALSE(NetlinkAttributes::parse(bytes.first(cut))) << "cut at " << cut;
    // Less than an attribute header left: padding, nothing read.
    for (std::size_t cut = 0; cut < 4; ++cut) {
        auto parsed = NetlinkAttributes::parse(bytes.first(cut));
        ASSERT_TRUE(parsed);
        EXPECT_TRUE(parsed->all().empty());
    }
}

TEST(NetlinkAttributes, NestedAttributeRunningPastItsNestIsRejected) {
    NetlinkMessageBuilder builder(100);
    builder.family_header(1);
    std::size_t nest = builder.size();
    builder.nest_begin(5).be32(1, 1).nest_end().be32(6, 6);
    auto message = builder.build();
    auto outer = NetlinkAttributes::parse(attributes_of(message));
    ASSERT_TRUE(outer);
    ASSERT_TRUE(NetlinkAttributes::parse(outer->find(5)->payload));
    // The inner attribute claims 12 bytes: past its 8-byte nest but inside the message.
    test::set_u16(message, nest + 4, 12);
    outer = NetlinkAttributes::parse(attributes_of(message));
    ASSERT_TRUE(outer) << "the outer level is still whole";
    EXPECT_EQ(be32_of(*outer->find(6)), 6u);
    EXPECT_FALSE(NetlinkAttributes::parse(outer->find(5)->payload));
}

TEST(NetlinkAttributes, FlagsAreNotPartOfTheType) {
    auto message = NetlinkMessageBuilder(100).family_header(1).nest_begin(5).nest_end().build();
    auto attributes = NetlinkAttributes::parse(attributes_of(message));
    ASSERT_TRUE(attributes);
    EXPECT_NE(attributes->find(5), nullptr);  // sent as 5 | NLA_F_NESTED
}

NetlinkAttribute attribute_of(const std::vector<uint8_t>& payload) {
    return {1, payload};
}

TEST(NetlinkAttributes, WrongSizesAreNoValue) {
    std::vector<uint8_t> two(2), four(4), eight(8), five(5);
    EXPECT_FALSE(be16_of(attribute_of(four)));
    EXPECT_FALSE(be32_of(attribute_of(two)));
    EXPECT_FALSE(be32_of(attribute_of(eight)));
    EXPECT_FALSE(be32_of(attribute_of(five)));
    EXPECT_FALSE(be64_of(attribute_of(four)));
    EXPECT_TRUE(be16_of(attribute_of(two)));
    EXPECT_TRUE(be32_of(attribute_of(four)));
    EXPECT_TRUE(be64_of(attribute_of(eight)));
}

TEST(NetlinkAttributes, StringsMustEndInTheirOnlyNulAndFitTheLimit) {
    std::vector<uint8_t> empty, no_nul{'a', 'b'}, inner_nul{'a', 0, 'b', 0}, good{'a', 'b', 0};
    EXPECT_FALSE(string_of(attribute_of(empty), 256));
    EXPECT_FALSE(string_of(attribute_of(no_nul), 256));
    EXPECT_FALSE(string_of(attribute_of(inner_nul), 256));
    EXPECT_EQ(string_of(attribute_of(good), 256), "ab");
    EXPECT_EQ(string_of(attribute_of(good), 3), "ab");
    EXPECT_FALSE(string_of(attribute_of(good), 2));
    std::vector<uint8_t> long_name(300, 'x');
    long_name.back() = 0;
    EXPECT_FALSE(string_of(attribute_of(long_name), 256));
}

TEST(NetlinkRequest, HeaderFamilyAndAttributesAligned) {
    NetlinkRequest request(0x0a07, NLM_F_REQUEST | NLM_F_DUMP, 42);
    const uint8_t family[4] = {1, 0, 0, 0};
    request.put_bytes(family);
    request.put_string(1, "t");
    auto bytes = request.bytes();
    ASSERT_EQ(bytes.size(), 16u + 4u + 8u);  // "t\0" in a 4 + 2 attribute, padded to 8
    auto messages = netlink_messages(bytes);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].type, 0x0a07);
    EXPECT_EQ(messages[0].flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(messages[0].seq, 42u);
    auto attributes = NetlinkAttributes::parse(messages[0].payload.subspan(4));
    ASSERT_TRUE(attributes);
    EXPECT_EQ(string_of(*attributes->find(1), 256), "t");
}

}  // namespace
}  // namespace ftnt::netfilter
