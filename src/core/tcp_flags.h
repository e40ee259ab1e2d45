// TCP flags in one order wherever ftnettrace prints them (path events, firewall steps, JSON):
// SYN FIN RST PSH ACK URG ECE CWR, letters S F R P A U E W (tcpdump's letters).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ftnt {

// Header bits (byte 13 of the TCP header).
inline constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpPsh = 0x08,
                         kTcpAck = 0x10, kTcpUrg = 0x20, kTcpEce = 0x40, kTcpCwr = 0x80;

// "SYN ACK", "FIN ACK", "" for none.
std::string tcp_flag_names(uint8_t bits);
// "SA", "FA", "" for none.
std::string tcp_flag_letters(uint8_t bits);
// The bit of a flag's name as the kernel's LOG target spells it ("SYN", "ACK").
std::optional<uint8_t> tcp_flag_bit(std::string_view name);
// The bit of a flag's letter ('S', 'A'), as --tcp-flags takes them.
std::optional<uint8_t> tcp_flag_bit(char letter);

}  // namespace ftnt
