// Pure parsing of what the LOG and TRACE targets write to the kernel log (nf_log_syslog:
// "TRACE: raw:PREROUTING:policy:2 IN=vb OUT= MAC=... SRC=192.0.2.1 DST=192.0.2.2 LEN=84 ...
// PROTO=ICMP TYPE=8 CODE=0 ID=29580 SEQ=1") and the /dev/kmsg record around it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ftnettrace/firewall_step.h"

namespace ftnt::netfilter {

struct KmsgRecord {
    int priority = 0;  // facility * 8 + level
    uint64_t sequence = 0;
    uint64_t time_us = 0;  // since boot, the kernel log clock
    std::string message;   // first line only (continuation "KEY=value" lines dropped)
};

// "6,1234,4975168425,-;TRACE: ...\n SUBSYSTEM=..." -> the record.
std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw);

// The LOG body: IN= OUT= SRC= DST= LEN= PROTO= SPT= DPT= TYPE= CODE= and TCP flags.
std::optional<PacketInfo> parse_log_body(std::string_view body);

struct TraceLine {
    std::string table, chain, kind;  // kind: "rule", "return", "policy"
    uint32_t number = 0;
    PacketInfo packet;
};
// "TRACE: filter:USERCHAIN:rule:1 IN=..." -> the line; nullopt for any other message.
std::optional<TraceLine> parse_trace_line(std::string_view message);

// "ftnettrace-invalid: IN=..." -> the packet, when the message starts with `prefix`.
std::optional<PacketInfo> parse_prefixed_log(std::string_view message, std::string_view prefix);

}  // namespace ftnt::netfilter
