// Pure decoding of an nf_tables trace message's parts: verdict codes and the packet headers
// it carries (NFTA_TRACE_NETWORK_HEADER / TRANSPORT_HEADER).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "ftnettrace/firewall_step.h"

namespace ftnt::netfilter {

// NF_DROP, NF_ACCEPT... and NFT_CONTINUE, NFT_JUMP... (include/uapi/linux/netfilter*.h):
// "drop", "accept", "jump USERCHAIN", "continue", "return", "queue", ...
std::string nft_verdict_name(uint32_t code, const std::string& target);
// The nfproto of a trace (NFPROTO_IPV4 2, NFPROTO_IPV6 10, INET 1, BRIDGE 7...) as nft names
// families: "ip", "ip6", "inet", "bridge", "arp", "netdev".
std::string nfproto_family(uint32_t nfproto);
// Fills packet.tuple (and ICMP type/code, TCP flags) from the headers; `nfproto` says
// which network header it is (for inet/bridge the header's version nibble decides).
void decode_trace_headers(std::span<const uint8_t> network, std::span<const uint8_t> transport,
                          PacketInfo& packet);

}  // namespace ftnt::netfilter
