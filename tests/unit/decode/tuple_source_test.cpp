#include "decode/tuple_source.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cstring>

#include "core/errors.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

TupleSourceSpec entry_for(const std::string& name, const std::string& addresses,
                          const std::string& l4, const std::string& require = "") {
    TupleSourceSpec spec;
    spec.name = name;
    spec.where = "test.def:1";
    spec.addresses = addresses;
    spec.l4 = l4;
    spec.require = require;
    return spec;
}

void put_sockaddr_in(std::vector<uint8_t>& raw, std::size_t offset, const char* ip, uint16_t port) {
    uint16_t family = AF_INET, be_port = htons(port);
    std::memcpy(raw.data() + offset, &family, 2);
    std::memcpy(raw.data() + offset + 2, &be_port, 2);
    inet_pton(AF_INET, ip, raw.data() + offset + 4);
}

TEST(TupleSource, Kernel618ResetNamesTheDroppedPacketReversed) {
    EventFormats formats;
    auto* event = formats.parse(test::fixture("kernel-6.18/tcp_tcp_send_reset.format"), "tcp");
    TupleSource source(entry_for("tcp:tcp_send_reset", "reply", "TCP"), event);
    // 6.18 layout: skbaddr@8, saddr sockaddr_in6[28]@32, daddr@60. The reset goes from the
    // closed port (saddr) back to the sender (daddr).
    std::vector<uint8_t> raw(88, 0);
    uint64_t skb = 0xffff888100001000;
    std::memcpy(raw.data() + 8, &skb, 8);
    put_sockaddr_in(raw, 32, "192.0.2.2", 9);
    put_sockaddr_in(raw, 60, "192.0.2.1", 41294);
    auto found = source.decode(raw);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->skb, skb);
    EXPECT_EQ(found->tuple.source(), "192.0.2.1:41294");
    EXPECT_EQ(found->tuple.destination(), "192.0.2.2:9");
    EXPECT_EQ(found->tuple.l4, "TCP");
}

TEST(TupleSource, Kernel618IcmpSendKeepsPortsOnlyForUdp) {
    EventFormats formats;
    auto* event = formats.parse(test::fixture("kernel-6.18/icmp_icmp_send.format"), "icmp");
    TupleSource source(entry_for("icmp:icmp_send", "packet", "UDP", "ulen"), event);
    // skbaddr@8 saddr[4]@24 daddr[4]@28 sport@32 dport@34 ulen@36 (ports in host order).
    std::vector<uint8_t> raw(40, 0);
    uint64_t skb = 0xffff888100002000;
    std::memcpy(raw.data() + 8, &skb, 8);
    inet_pton(AF_INET, "192.0.2.1", raw.data() + 24);
    inet_pton(AF_INET, "192.0.2.2", raw.data() + 28);
    uint16_t sport = 40000, dport = 9, ulen = 9;
    std::memcpy(raw.data() + 32, &sport, 2);
    std::memcpy(raw.data() + 34, &dport, 2);
    std::memcpy(raw.data() + 36, &ulen, 2);
    auto udp = source.decode(raw);
    ASSERT_TRUE(udp);
    EXPECT_EQ(udp->tuple.source(), "192.0.2.1:40000");
    EXPECT_EQ(udp->tuple.l4, "UDP");
    ulen = 0;  // not UDP: the tracepoint leaves ports at zero
    std::memcpy(raw.data() + 36, &ulen, 2);
    auto other = source.decode(raw);
    ASSERT_TRUE(other);
    EXPECT_EQ(other->tuple.source(), "192.0.2.1");
    EXPECT_EQ(other->tuple.l4, "");
}

TEST(TupleSource, MissingFieldIsACatalogError) {
    EventFormats formats;
    auto* event = formats.parse(test::fixture("kernel-6.18/skb_consume_skb.format"), "skb");
    EXPECT_THROW(TupleSource(entry_for("skb:consume_skb", "packet", ""), event), UsageError);
}

}  // namespace
}  // namespace ftnt
