#include <algorithm>
#include <cctype>
#include <map>

#include "ftnettrace/filters.h"

namespace ftnt::filters {
namespace {

// Ethertypes as include/uapi/linux/if_ether.h defines them (ETH_P_*), host order, which is
// how skb:kfree_skb records skb->protocol (ntohs in its TP_fast_assign).
const std::map<std::string, uint16_t> kLinkProtocols = {
    {"ip", 0x0800},    {"ipv4", 0x0800},   {"ipv6", 0x86dd}, {"arp", 0x0806},   {"vlan", 0x8100},
    {"8021q", 0x8100}, {"8021ad", 0x88a8}, {"mpls", 0x8847}, {"pppoe", 0x8864}, {"lldp", 0x88cc},
};

const std::map<std::string, std::string> kTransportProtocols = {
    {"tcp", "TCP"}, {"udp", "UDP"}, {"icmp", "ICMP"}, {"icmpv6", "ICMPV6"}, {"sctp", "SCTP"},
};

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

}  // namespace

std::vector<std::string> protocol_names() {
    std::vector<std::string> names;
    for (const auto& [name, value] : kLinkProtocols) names.push_back(name);
    for (const auto& [name, value] : kTransportProtocols) names.push_back(name);
    return names;
}

ProtocolChoice parse_protocols(const std::string& comma_separated) {
    ProtocolChoice choice;
    for (const auto& raw : split_list(comma_separated)) {
        auto name = lower(raw);
        if (auto link = kLinkProtocols.find(name); link != kLinkProtocols.end()) {
            choice.ethertypes.push_back(link->second);
        } else if (auto l4 = kTransportProtocols.find(name); l4 != kTransportProtocols.end()) {
            choice.transports.push_back(l4->second);
        } else {
            std::string known;
            for (const auto& n : protocol_names()) known += (known.empty() ? "" : ", ") + n;
            throw FilterError("unknown protocol '" + raw + "' (known: " + known + ")");
        }
    }
    return choice;
}

}  // namespace ftnt::filters
