#include "netfilter/nft_trace_decode.h"

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <algorithm>

namespace ftnt::netfilter {
namespace {

uint16_t be16(std::span<const uint8_t> bytes, std::size_t at) {
    return static_cast<uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

uint32_t be32(std::span<const uint8_t> bytes, std::size_t at) {
    return static_cast<uint32_t>(be16(bytes, at)) << 16 | be16(bytes, at + 2);
}

std::string l4_name(uint8_t protocol) {
    switch (protocol) {
        case 6:
            return "TCP";
        case 17:
            return "UDP";
        case 1:
            return "ICMP";
        case 58:
            return "ICMPv6";
        case 132:
            return "SCTP";
        default:
            return "proto " + std::to_string(protocol);
    }
}

}  // namespace

std::string nft_verdict_name(uint32_t code, const std::string& target) {
    auto verdict = static_cast<int32_t>(code);
    switch (verdict) {
        case NFT_CONTINUE:
            return "continue";
        case NFT_BREAK:
            return "break";
        case NFT_JUMP:
            return "jump " + target;
        case NFT_GOTO:
            return "goto " + target;
        case NFT_RETURN:
            return "return";
        default:
            break;
    }
    switch (code & NF_VERDICT_MASK) {
        case NF_DROP:
            return "drop";
        case NF_ACCEPT:
            return "accept";
        case NF_STOLEN:
            return "stolen";
        case NF_QUEUE:
            return "queue";
        case NF_REPEAT:
            return "repeat";
        case NF_STOP:
            return "stop";
        default:
            return "verdict " + std::to_string(verdict);
    }
}

std::string nfproto_family(uint32_t nfproto) {
    switch (nfproto) {
        case NFPROTO_INET:
            return "inet";
        case NFPROTO_IPV4:
            return "ip";
        case NFPROTO_ARP:
            return "arp";
        case NFPROTO_NETDEV:
            return "netdev";
        case NFPROTO_BRIDGE:
            return "bridge";
        case NFPROTO_IPV6:
            return "ip6";
        default:
            return "family " + std::to_string(nfproto);
    }
}

void decode_trace_headers(std::span<const uint8_t> network, std::span<const uint8_t> transport,
                          PacketInfo& packet) {
    if (network.empty()) return;
    PacketTuple tuple;
    uint8_t protocol = 0;
    int version = network[0] >> 4;
    if (version == 4 && network.size() >= 20) {
        tuple.family = 4;
        protocol = network[9];
        std::copy_n(network.begin() + 12, 4, tuple.saddr.begin());
        std::copy_n(network.begin() + 16, 4, tuple.daddr.begin());
        packet.length = be16(network, 2);
        packet.ip_id = be16(network, 4);
    } else if (version == 6 && network.size() >= 40) {
        tuple.family = 6;
        protocol = network[6];  // the first next header; extension headers are not walked
        std::copy_n(network.begin() + 8, 16, tuple.saddr.begin());
        std::copy_n(network.begin() + 24, 16, tuple.daddr.begin());
        packet.length = be16(network, 4) + 40u;
    } else {
        return;
    }
    tuple.l4 = l4_name(protocol);
    if ((protocol == 6 || protocol == 17 || protocol == 132) && transport.size() >= 4) {
        tuple.sport = be16(transport, 0);
        tuple.dport = be16(transport, 2);
        tuple.has_ports = true;
        if (protocol == 6 && transport.size() >= 12) {
            packet.tcp_seq = be32(transport, 4);
            packet.tcp_ack = be32(transport, 8);
        }
        if (protocol == 6 && transport.size() >= 14) packet.tcp_flags = transport[13];
    } else if ((protocol == 1 || protocol == 58) && transport.size() >= 2) {
        packet.icmp_type = transport[0];
        packet.icmp_code = transport[1];
        bool echo = protocol == 1 ? (transport[0] == 8 || transport[0] == 0)
                                  : (transport[0] == 128 || transport[0] == 129);
        if (echo && transport.size() >= 8) {
            packet.echo_id = be16(transport, 4);
            packet.echo_seq = be16(transport, 6);
        }
    }
    packet.tuple = tuple;
}

}  // namespace ftnt::netfilter
