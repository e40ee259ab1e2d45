// nf_tables trace events over netlink (NFNLGRP_NFTRACE), read in the namespace the reader
// was made in, and the rule handles of a chain (to number a rule as iptables would).
// libmnl opens the socket, libnftnl parses NFT_MSG_TRACE and NFT_MSG_NEWRULE messages.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

struct mnl_socket;  // libmnl

namespace ftnt::netfilter {

struct NftTraceEvent {
    uint32_t id = 0;
    uint32_t family = 0;   // the table's family (NFPROTO_INET for an inet table)
    uint32_t nfproto = 0;  // the hook's protocol (NFPROTO_IPV4 for IPv4 in an inet table)
    std::string table, chain;
    uint32_t type = 0;  // NFT_TRACETYPE_POLICY 1, RETURN 2, RULE 3
    std::optional<uint64_t> handle;
    std::optional<uint32_t> verdict;
    std::string jump_target;
    std::optional<uint32_t> policy;
    std::string iif, oif;
    std::vector<uint8_t> network_header, transport_header;
};

class NftraceReader {
  public:
    NftraceReader();  // throws KernelError
    ~NftraceReader();
    NftraceReader(const NftraceReader&) = delete;
    NftraceReader& operator=(const NftraceReader&) = delete;

    int fd() const;
    void drain(const std::function<void(const NftTraceEvent&)>& on_event);
    uint64_t overruns() const { return overruns_; }  // ENOBUFS: the socket buffer overflowed

  private:
    ::mnl_socket* socket_ = nullptr;
    uint64_t overruns_ = 0;
};

// The NFT_MSG_TRACE messages of one netlink datagram (others are skipped).
void decode_nftrace_messages(const void* data, std::size_t size,
                             const std::function<void(const NftTraceEvent&)>& on_event);

// Rule handles of family/table/chain in chain order, in the calling thread's namespace;
// empty when the chain is not there.
std::vector<uint64_t> nft_chain_rule_handles(uint32_t nfproto, const std::string& table,
                                             const std::string& chain);

}  // namespace ftnt::netfilter
