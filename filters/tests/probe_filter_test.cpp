#include "ftnettrace/probe_filter.h"

#include <gtest/gtest.h>

namespace ftnt::filters {
namespace {

const SockLayout kSock{.daddr = 0,
                       .rcv_saddr = 4,
                       .dport = 12,
                       .num = 14,
                       .family = 16,
                       .v6_daddr = 56,
                       .v6_rcv_saddr = 72};

std::string names(const ProbeFilter& f) {
    std::string out;
    for (const auto& field : f.fields)
        out += field.name + "@" + std::to_string(field.offset) + "/" + std::to_string(field.size) +
               " ";
    return out;
}

TEST(ProbeFilter, Ipv4SourceAtTheNetworkHeader) {
    auto f = compile_probe_filter(parse_packet_filter({.saddr = "192.0.2.1"}), Layer::L3, kSock);
    // 192.0.2.1 is c0 00 02 01 in memory: 0x010200c0 as a little-endian u32.
    // skb->protocol may still be 0 at L3 (send side): the IP version nibble is read instead.
    EXPECT_EQ(f.expression, "ipv == 4 && s4 == 0x10200c0");
    EXPECT_EQ(names(f), "ipv@0/0 s4@12/4 ");
    EXPECT_TRUE(f.exact);
}

TEST(ProbeFilter, PortsAndProtocolOfBothFamiliesAtTheTransportHeader) {
    auto f = compile_probe_filter(parse_packet_filter({.dport = "80", .proto = "tcp"}), Layer::L4,
                                  kSock);
    // Port 80 is 00 50 in memory: 0x5000 = 20480. The IP header sits before skb->data here.
    EXPECT_EQ(
        f.expression,
        "(proto == 8 && dp == 20480 && ipp == 6) || (proto == 56710 && dp == 20480 && ipp6 == 6)");
    // IPv6's next header field is 34 bytes before the transport header, IPv4's protocol 11.
    EXPECT_EQ(names(f), "dp@2/2 ipp@-11/1 ipp6@-34/1 ");
    EXPECT_FALSE(f.exact);  // the IP header position is assumed: user space checks again
}

TEST(ProbeFilter, Ipv6PortsAreReadAfterTheFortyByteHeader) {
    // -p tcp -D 82 at an L3 point: the port is 20 bytes after an IPv4 header's start and 40
    // after an IPv6 header's, so each family compares its own fetched field.
    auto f = compile_probe_filter(parse_packet_filter({.dport = "82", .proto = "tcp"}), Layer::L3,
                                  kSock);
    EXPECT_EQ(f.expression,
              "(ipv == 4 && dp == 20992 && ipp == 6) || "
              "(ipv == 6 && dp6 == 20992 && ipp6 == 6)");
    EXPECT_EQ(names(f), "ipv@0/0 dp@22/2 ipp@9/1 dp6@42/2 ipp6@6/1 ");
    auto at_l2 = compile_probe_filter(parse_packet_filter({.port = "82"}), Layer::L2, kSock);
    EXPECT_EQ(names(at_l2), "sp@34/2 dp@36/2 sp6@54/2 dp6@56/2 ");
}

TEST(ProbeFilter, Ipv6EitherAddressAtTheLinkHeader) {
    auto f = compile_probe_filter(parse_packet_filter({.addr = "2001:db8::2"}), Layer::L2, kSock);
    EXPECT_EQ(f.expression,
              "proto == 56710 && ((s6 == 0xb80d0120 && s6l == 0x200000000000000) || "
              "(d6 == 0xb80d0120 && d6l == 0x200000000000000))");
    EXPECT_EQ(names(f), "s6@22/8 s6l@30/8 d6@38/8 d6l@46/8 ");
}

TEST(ProbeFilter, SocketFieldsForPointsWithoutHeaders) {
    auto f = compile_probe_filter(parse_packet_filter({.saddr = "192.0.2.1", .sport = "40000"}),
                                  Layer::Sock, kSock);
    // skc_num is host order: 40000 stays 40000.
    EXPECT_EQ(f.expression, "fam == 2 && s4 == 0x10200c0 && sp == 40000");
    EXPECT_EQ(names(f), "s4@4/4 sp@14/2 fam@16/2 ");
}

TEST(ProbeFilter, LinkProtocolOnly) {
    auto f = compile_probe_filter(parse_packet_filter({.proto = "arp"}), Layer::L3, kSock);
    EXPECT_EQ(f.expression, "proto == 1544");
}

TEST(ProbeFilter, NoHeadersNoKernelFilter) {
    auto f = compile_probe_filter(parse_packet_filter({.saddr = "192.0.2.1"}), Layer::None, kSock);
    EXPECT_EQ(f.expression, "");
    EXPECT_FALSE(f.exact);
    EXPECT_TRUE(compile_probe_filter(parse_packet_filter({}), Layer::L3, kSock).expression.empty());
}

}  // namespace
}  // namespace ftnt::filters

namespace ftnt::filters {
namespace {

TEST(ProbeFilter, ConntrackOriginalTupleFollowsNat) {
    ConntrackLayout ct{.src = 80, .dst = 100, .sport = 96, .dport = 116};
    auto f = compile_probe_filter(parse_packet_filter({.saddr = "192.0.2.1"}), Layer::L3,
                                  SockLayout{}, ct);
    EXPECT_EQ(f.expression,
              "(ipv == 4 && s4 == 0x10200c0) || ((c0s == 0x10200c0 || c1s == 0x10200c0 || "
              "c2s == 0x10200c0 || c3s == 0x10200c0 || c4s == 0x10200c0))");
    // One read per possible ctinfo (0-4) in the low bits of skb->_nfct.
    std::string reads;
    for (const auto& field : f.fields)
        if (field.from == FieldNeed::From::Conntrack) reads += std::to_string(field.offset) + " ";
    EXPECT_EQ(reads, "80 79 78 77 76 ");
    EXPECT_FALSE(f.exact);
}

TEST(ProbeFilter, NoConntrackClauseForIpv6OrWithoutLayout) {
    ConntrackLayout ct{.src = 80, .dst = 100, .sport = 96, .dport = 116};
    auto v6 = compile_probe_filter(parse_packet_filter({.saddr = "2001:db8::1"}), Layer::L3,
                                   SockLayout{}, ct);
    EXPECT_EQ(v6.expression.find("c0s"), std::string::npos);
    auto none = compile_probe_filter(parse_packet_filter({.saddr = "192.0.2.1"}), Layer::L3,
                                     SockLayout{}, ConntrackLayout{});
    EXPECT_EQ(none.expression, "ipv == 4 && s4 == 0x10200c0");
}

}  // namespace
}  // namespace ftnt::filters
