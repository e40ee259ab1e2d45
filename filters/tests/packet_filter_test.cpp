#include "ftnettrace/packet_filter.h"

#include <gtest/gtest.h>

namespace ftnt::filters {
namespace {

TEST(PacketFilter, ParsesAddressesPortsAndProtocols) {
    auto f = parse_packet_filter({.saddr = "192.0.2.1", .dport = "80", .proto = "tcp"});
    ASSERT_TRUE(f.saddr);
    EXPECT_EQ(f.saddr->family, 4);
    EXPECT_EQ(f.saddr->bytes[0], 192);
    EXPECT_EQ(f.dport, 80);
    EXPECT_EQ(f.protocols.transports, (std::vector<std::string>{"TCP"}));
    EXPECT_EQ(f.family(), 4);
    EXPECT_FALSE(f.empty());
}

TEST(PacketFilter, Ipv6IsNormalized) {
    auto f = parse_packet_filter({.addr = "2001:DB8:0::1"});
    EXPECT_EQ(f.addr->text, "2001:db8::1");
    EXPECT_EQ(f.family(), 6);
}

TEST(PacketFilter, BadInputSaysWhichFlag) {
    EXPECT_THROW(parse_packet_filter({.daddr = "10.0.0.300"}), FilterError);
    try {
        parse_packet_filter({.sport = "70000"});
    } catch (const FilterError& e) {
        EXPECT_STREQ(e.what(), "-S/--sport: '70000' is not a port (0-65535)");
    }
    EXPECT_THROW(parse_packet_filter({.saddr = "192.0.2.1", .daddr = "2001:db8::2"}), FilterError);
}

// A hostile value is echoed capped and with its control bytes replaced: one short line.
TEST(PacketFilter, BadValueIsEchoedShortAndPrintable) {
    std::string port(10000, 'a');
    port[3] = '\n';
    try {
        parse_packet_filter({.sport = port});
        ADD_FAILURE() << "accepted";
    } catch (const FilterError& e) {
        EXPECT_STREQ(e.what(),
                     "-S/--sport: 'aaa?aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' is not a port "
                     "(0-65535)");
    }
}

TEST(PacketFilter, NothingGivenIsEmpty) {
    EXPECT_TRUE(parse_packet_filter({}).empty());
}

}  // namespace
}  // namespace ftnt::filters

namespace ftnt::filters {
namespace {

TupleFacts tcp_packet() {
    TupleFacts p;
    p.family = 4;
    p.saddr = {192, 0, 2, 1};
    p.daddr = {192, 0, 2, 2};
    p.has_ports = true;
    p.sport = 40000;
    p.dport = 80;
    p.transport = "TCP";
    p.ethertype = 0x0800;
    return p;
}

TEST(PacketFilterMatch, EveryGivenFieldMustAgree) {
    auto p = tcp_packet();
    EXPECT_TRUE(parse_packet_filter({.saddr = "192.0.2.1", .dport = "80"}).matches(p));
    EXPECT_FALSE(parse_packet_filter({.saddr = "192.0.2.2"}).matches(p));
    EXPECT_TRUE(parse_packet_filter({.addr = "192.0.2.2"}).matches(p));
    EXPECT_TRUE(parse_packet_filter({.port = "40000"}).matches(p));
    EXPECT_FALSE(parse_packet_filter({.port = "41"}).matches(p));
    EXPECT_TRUE(parse_packet_filter({.proto = "tcp"}).matches(p));
    EXPECT_FALSE(parse_packet_filter({.proto = "udp"}).matches(p));
    EXPECT_FALSE(parse_packet_filter({.saddr = "2001:db8::1"}).matches(p));
    EXPECT_TRUE(parse_packet_filter({}).matches(p));
}

}  // namespace
}  // namespace ftnt::filters
