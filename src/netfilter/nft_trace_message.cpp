#include "netfilter/nft_trace_message.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>

namespace ftnt::netfilter {
namespace {

enum class Kind { u16, u32, u64, name, nested, binary, other };

Kind trace_attribute_kind(uint16_t type) {
    switch (type) {
        case NFTA_TRACE_TABLE:
        case NFTA_TRACE_CHAIN:
            return Kind::name;
        case NFTA_TRACE_RULE_HANDLE:
            return Kind::u64;
        case NFTA_TRACE_VERDICT:
            return Kind::nested;
        case NFTA_TRACE_LL_HEADER:
        case NFTA_TRACE_NETWORK_HEADER:
        case NFTA_TRACE_TRANSPORT_HEADER:
            return Kind::binary;
        case NFTA_TRACE_IIFTYPE:
        case NFTA_TRACE_OIFTYPE:
            return Kind::u16;
        case NFTA_TRACE_ID:
        case NFTA_TRACE_TYPE:
        case NFTA_TRACE_IIF:
        case NFTA_TRACE_OIF:
        case NFTA_TRACE_MARK:
        case NFTA_TRACE_NFPROTO:
        case NFTA_TRACE_POLICY:
            return Kind::u32;
        default:
            return Kind::other;  // newer kernels' attributes, not read
    }
}

bool has_kind(const NetlinkAttribute& attribute, Kind kind) {
    switch (kind) {
        case Kind::u16:
            return be16_of(attribute).has_value();
        case Kind::u32:
            return be32_of(attribute).has_value();
        case Kind::u64:
            return be64_of(attribute).has_value();
        case Kind::name:
            return string_of(attribute, NFT_NAME_MAXLEN).has_value();
        case Kind::nested:
            return NetlinkAttributes::parse(attribute.payload).has_value();
        case Kind::binary:
        case Kind::other:
            return true;
    }
    return false;
}

struct Verdict {
    uint32_t code = 0;
    std::string chain;
};

// NFTA_VERDICT_CODE is required; NFTA_VERDICT_CHAIN (jump, goto) is a chain name.
std::optional<Verdict> verdict_of(const NetlinkAttribute& nest) {
    auto inner = NetlinkAttributes::parse(nest.payload);
    if (!inner) return std::nullopt;
    const auto* code = inner->find(NFTA_VERDICT_CODE);
    if (!code || !be32_of(*code)) return std::nullopt;
    Verdict verdict{*be32_of(*code), {}};
    if (const auto* chain = inner->find(NFTA_VERDICT_CHAIN)) {
        auto name = string_of(*chain, NFT_NAME_MAXLEN);
        if (!name) return std::nullopt;
        verdict.chain = *name;
    }
    return verdict;
}

std::string interface_name(uint32_t index) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(index, name)) return name;
    return "if" + std::to_string(index);
}

bool is_trace_message(const NetlinkMessage& message) {
    return NFNL_SUBSYS_ID(message.type) == NFNL_SUBSYS_NFTABLES &&
           NFNL_MSG_TYPE(message.type) == NFT_MSG_TRACE;
}

}  // namespace

std::optional<NftTraceEvent> parse_nft_trace(const NetlinkMessage& message) {
    if (!is_trace_message(message)) return std::nullopt;
    auto attributes = NetlinkAttributes::of_message(message, sizeof(nfgenmsg));
    if (!attributes) return std::nullopt;
    for (const auto& attribute : attributes->all())
        if (!has_kind(attribute, trace_attribute_kind(attribute.type))) return std::nullopt;
    const auto* id = attributes->find(NFTA_TRACE_ID);
    const auto* type = attributes->find(NFTA_TRACE_TYPE);
    if (!id || !type) return std::nullopt;

    NftTraceEvent event;
    event.family = message.payload[0];  // nfgenmsg.nfgen_family
    event.id = *be32_of(*id);
    event.type = *be32_of(*type);
    const auto* nfproto = attributes->find(NFTA_TRACE_NFPROTO);
    event.nfproto = nfproto ? *be32_of(*nfproto) : event.family;
    if (const auto* a = attributes->find(NFTA_TRACE_TABLE))
        event.table = *string_of(*a, NFT_NAME_MAXLEN);
    if (const auto* a = attributes->find(NFTA_TRACE_CHAIN))
        event.chain = *string_of(*a, NFT_NAME_MAXLEN);
    if (const auto* a = attributes->find(NFTA_TRACE_RULE_HANDLE)) event.handle = be64_of(*a);
    if (const auto* a = attributes->find(NFTA_TRACE_VERDICT)) {
        auto verdict = verdict_of(*a);
        if (!verdict) return std::nullopt;
        event.verdict = verdict->code;
        event.jump_target = verdict->chain;
    }
    if (const auto* a = attributes->find(NFTA_TRACE_POLICY)) event.policy = be32_of(*a);
    if (const auto* a = attributes->find(NFTA_TRACE_IIF)) event.iif = interface_name(*be32_of(*a));
    if (const auto* a = attributes->find(NFTA_TRACE_OIF)) event.oif = interface_name(*be32_of(*a));
    // A rule step without a rule handle names no rule: `nft monitor trace` does not print it.
    // Debian's 6.12 sends such steps where a chain ends (seen in the guest); 6.1 sends RETURN.
    if (event.type == NFT_TRACETYPE_RULE && !event.handle) return std::nullopt;
    if (const auto* a = attributes->find(NFTA_TRACE_NETWORK_HEADER))
        event.network_header.assign(a->payload.begin(), a->payload.end());
    if (const auto* a = attributes->find(NFTA_TRACE_TRANSPORT_HEADER))
        event.transport_header.assign(a->payload.begin(), a->payload.end());
    return event;
}

void decode_nftrace_messages(const void* data, std::size_t size,
                             const std::function<void(const NftTraceEvent&)>& on_event) {
    std::span<const uint8_t> datagram(static_cast<const uint8_t*>(data), size);
    for (const auto& message : netlink_messages(datagram))
        if (auto event = parse_nft_trace(message)) on_event(*event);
}

}  // namespace ftnt::netfilter
