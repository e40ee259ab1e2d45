// User filters compiled into ftrace event filter strings (Documentation/trace/events.rst §5),
// plus the part that can only be checked in user space.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ftnt::filters {

struct FilterError : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

// --proto NAME[,NAME]: link-layer names (ip, ipv4, ipv6, arp...) match skb->protocol in the
// kernel; transport names (tcp, udp, icmp, icmpv6) need the packet's tuple.
struct ProtocolChoice {
    std::vector<uint16_t> ethertypes;
    std::vector<std::string> transports;  // upper case: "TCP", "UDP", "ICMP", "ICMPV6"
    bool empty() const { return ethertypes.empty() && transports.empty(); }
};
ProtocolChoice parse_protocols(const std::string& comma_separated);
std::vector<std::string> protocol_names();

// Building blocks of an ftrace filter expression. Empty input gives "" (no condition).
std::string any_of(const std::string& field, const std::vector<uint64_t>& values);
std::string none_of(const std::string& field, const std::vector<uint64_t>& values);
std::string all_of(const std::vector<std::string>& clauses);

// Splits "a,b , c" into its non-empty, trimmed parts.
std::vector<std::string> split_list(const std::string& comma_separated);

}  // namespace ftnt::filters
