// How a firewall step's packet is printed, whichever backend reported it. The kmsg record is
// the TCP reset iptables-legacy TRACE logged on the 6.18 machine here (2026-11-22, between
// test namespaces); the nf_tables header bytes are that same reset as a trace message
// carries it (IPv4 header, then the TCP header).
#include "output/record_text.h"

#include <gtest/gtest.h>

#include <vector>

#include "netfilter/kmsg_lines.h"
#include "netfilter/nft_trace_decode.h"

namespace ftnt::netfilter {
namespace {

constexpr const char* kTcpRstOut =
    "4,391,5814985657,-;TRACE: raw:OUTPUT:policy:3 IN= OUT=ftntmb SRC=192.0.2.2 DST=192.0.2.1 "
    "LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=7100 DPT=43148 SEQ=0 "
    "ACK=727381337 WINDOW=0 RES=0x00 ACK RST URGP=0 \n";

PacketInfo reset_from_nf_tables() {
    std::vector<uint8_t> ip = {0x45, 0x00, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x40, 0x06,
                               0x00, 0x00, 192,  0,    2,    2,    192,  0,    2,    1};
    std::vector<uint8_t> tcp = {0x1b, 0xbc, 0xa8, 0x8c, 0x00, 0x00, 0x00, 0x00, 0x2b, 0x5a,
                                0x8c, 0x59, 0x50, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    PacketInfo packet;
    decode_trace_headers(ip, tcp, packet);
    return packet;
}

TEST(RecordText, TcpFlagsReadTheSameFromTheKernelLogAndFromNfTables) {
    auto logged = parse_trace_line(parse_kmsg_record(kTcpRstOut)->message);
    ASSERT_TRUE(logged);
    auto traced = reset_from_nf_tables();
    EXPECT_EQ(packet_text(logged->packet), packet_text(traced));
    EXPECT_EQ(packet_text(traced), "TCP 192.0.2.2:7100 -> 192.0.2.1:43148 RST ACK");
}

TEST(RecordText, PortUnreachableIsNamedWithoutEchoFields) {
    std::vector<uint8_t> ip = {0x45, 0xc0, 0x00, 0x38, 0x12, 0x34, 0x00, 0x00, 0x40, 0x01,
                               0x00, 0x00, 192,  0,    2,    2,    192,  0,    2,    1};
    std::vector<uint8_t> icmp = {0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    PacketInfo packet;
    decode_trace_headers(ip, icmp, packet);
    EXPECT_EQ(packet_text(packet), "ICMP 192.0.2.2 -> 192.0.2.1 port unreachable");
    EXPECT_FALSE(packet.echo_id);
}

}  // namespace
}  // namespace ftnt::netfilter
