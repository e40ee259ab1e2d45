#include "netfilter/nft_rule_dump.h"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <time.h>

#include "netfilter/netlink_socket.h"

namespace ftnt::netfilter {
namespace {

constexpr uint16_t kGetRule = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE;
constexpr uint16_t kNewRule = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE;

// A rule of that table and chain with a handle, or nullopt.
std::optional<uint64_t> rule_handle(const NetlinkMessage& message, const std::string& table,
                                    const std::string& chain) {
    auto attributes = NetlinkAttributes::of_message(message, sizeof(nfgenmsg));
    if (!attributes) return std::nullopt;
    const auto* table_name = attributes->find(NFTA_RULE_TABLE);
    const auto* chain_name = attributes->find(NFTA_RULE_CHAIN);
    const auto* handle = attributes->find(NFTA_RULE_HANDLE);
    if (!table_name || !chain_name || !handle) return std::nullopt;
    if (string_of(*table_name, NFT_NAME_MAXLEN) != table ||
        string_of(*chain_name, NFT_NAME_MAXLEN) != chain)
        return std::nullopt;
    return be64_of(*handle);
}

}  // namespace

NetlinkRequest rule_dump_request(uint32_t nfproto, const std::string& table,
                                 const std::string& chain, uint32_t seq) {
    NetlinkRequest request(kGetRule, NLM_F_REQUEST | NLM_F_DUMP, seq);
    nfgenmsg family{};
    family.nfgen_family = static_cast<uint8_t>(nfproto);
    family.version = NFNETLINK_V0;
    request.put_bytes({reinterpret_cast<const uint8_t*>(&family), sizeof family});
    request.put_string(NFTA_RULE_TABLE, table);
    request.put_string(NFTA_RULE_CHAIN, chain);
    return request;
}

DumpProgress collect_rule_handles(std::span<const uint8_t> datagram, uint32_t seq,
                                  const std::string& table, const std::string& chain,
                                  std::vector<uint64_t>& handles) {
    for (const auto& message : netlink_messages(datagram)) {
        if (message.seq != seq) continue;
        if (message.type == NLMSG_DONE) return DumpProgress::done;
        if (message.type == NLMSG_ERROR) return DumpProgress::failed;
        if (message.flags & NLM_F_DUMP_INTR) return DumpProgress::failed;
        if (message.type != kNewRule) continue;
        if (auto handle = rule_handle(message, table, chain)) handles.push_back(*handle);
    }
    return DumpProgress::more;
}

std::vector<uint64_t> nft_chain_rule_handles(uint32_t nfproto, const std::string& table,
                                             const std::string& chain) {
    if (table.size() >= NFT_NAME_MAXLEN || chain.size() >= NFT_NAME_MAXLEN) return {};
    try {
        NetlinkSocket socket(false);
        socket.set_receive_timeout(2);  // bounded: a dump never waits longer
        auto seq = static_cast<uint32_t>(::time(nullptr));
        if (socket.send(rule_dump_request(nfproto, table, chain, seq).bytes()) != 0) return {};
        std::vector<uint8_t> buffer(64 * 1024);
        std::vector<uint64_t> handles;
        for (int i = 0; i < 10000; ++i) {
            auto got = socket.receive(buffer);
            if (!got || got->truncated) return {};
            if (!got->from_kernel) continue;
            auto progress =
                collect_rule_handles({buffer.data(), got->size}, seq, table, chain, handles);
            if (progress == DumpProgress::done) return handles;
            if (progress == DumpProgress::failed) return {};
        }
    } catch (const std::exception&) {
        // No socket in this namespace: the rules go unnumbered, as when the chain is gone.
    }
    return {};
}

}  // namespace ftnt::netfilter
