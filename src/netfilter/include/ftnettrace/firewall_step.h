// The netfilter library's public types: one step of a packet through the firewall, as either
// backend reports it, and the events --log-invalid shows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/packet_tuple.h"

namespace ftnt::netfilter {

// The tables this library makes in nf_tables are named with this prefix and the run's pid.
inline constexpr const char* kNftTablePrefix = "ftnettrace_";

struct PacketInfo {
    std::optional<PacketTuple> tuple;
    std::string in, out;  // interface names, "" when none
    int icmp_type = -1, icmp_code = -1;
    uint8_t tcp_flags = 0;  // bits of core/tcp_flags.h, printed by tcp_flag_names()
    uint32_t length = 0;
    // What tells one packet of a flow from the next (joining steps to packet paths).
    std::optional<uint16_t> ip_id;  // IPv4 identification
    std::optional<uint32_t> tcp_seq, tcp_ack;
    std::optional<uint16_t> echo_id, echo_seq;  // ICMP/ICMPv6 echo request and reply
};

struct TraceStep {
    // When the kernel took the step: the kernel log's timestamp for legacy TRACE; none for
    // nf_tables, whose trace messages carry no time (when we read them is not the step's).
    std::optional<uint64_t> time_ns;
    std::string backend;  // "iptables-legacy", "iptables-nft", "nft"
    std::string family;   // "ip", "ip6", "inet", "bridge", ...
    std::string table, chain;
    std::string kind;                  // "rule", "return", "policy"
    std::optional<uint32_t> rule;      // position in the chain (1 = first), as iptables numbers
    std::optional<uint64_t> handle;    // nf_tables rule handle
    std::string verdict;               // "DROP", "jump USERCHAIN", "accept", "continue", ...
    std::string rule_text;             // as iptables-save or nft list shows it, "" when unknown
    std::optional<uint32_t> trace_id;  // nf_tables trace id: one per packet and hook
    PacketInfo packet;
};

struct InvalidEvent {
    uint64_t time_ns = 0;
    PacketInfo packet;
};

}  // namespace ftnt::netfilter
