#include "netfilter/nftrace_reader.h"

#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <libnftnl/trace.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "core/errors.h"

namespace ftnt::netfilter {
namespace {

std::string interface_name(uint32_t index) {
    char name[IF_NAMESIZE] = {};
    if (::if_indextoname(index, name)) return name;
    return "if" + std::to_string(index);
}

std::vector<uint8_t> bytes_of(const nftnl_trace* trace, uint16_t attribute) {
    if (!nftnl_trace_is_set(trace, attribute)) return {};
    uint32_t length = 0;
    auto* data = static_cast<const uint8_t*>(nftnl_trace_get_data(trace, attribute, &length));
    if (!data) return {};
    return {data, data + length};
}

// libnftnl ends the process ("kernel ABI is broken") on an attribute of the wrong type or
// size: each is checked here first, and a message with one is skipped.
int check_verdict_attribute(const nlattr* attribute, void* ok);

// A verdict nest holds its code.
bool verdict_has_code(const nlattr* nest) {
    uint64_t seen = 0;
    mnl_attr_parse_nested(
        nest,
        [](const nlattr* a, void* s) {
            if (mnl_attr_get_type(a) < 64)
                *static_cast<uint64_t*>(s) |= uint64_t{1} << mnl_attr_get_type(a);
            return static_cast<int>(MNL_CB_OK);
        },
        &seen);
    return seen & (uint64_t{1} << NFTA_VERDICT_CODE);
}

int check_verdict_attribute(const nlattr* attribute, void* ok) {
    auto type = mnl_attr_get_type(attribute);
    bool good = type == NFTA_VERDICT_CODE ? mnl_attr_validate(attribute, MNL_TYPE_U32) >= 0
                : type == NFTA_VERDICT_CHAIN
                    ? mnl_attr_validate(attribute, MNL_TYPE_NUL_STRING) >= 0
                    : true;
    if (!good) *static_cast<bool*>(ok) = false;
    return MNL_CB_OK;
}

int check_trace_attribute(const nlattr* attribute, void* ok) {
    bool& all_good = *static_cast<bool*>(ok);
    switch (mnl_attr_get_type(attribute)) {
        case NFTA_TRACE_TABLE:
        case NFTA_TRACE_CHAIN:
            if (mnl_attr_validate(attribute, MNL_TYPE_NUL_STRING) < 0) all_good = false;
            break;
        case NFTA_TRACE_RULE_HANDLE:
            if (mnl_attr_validate(attribute, MNL_TYPE_U64) < 0) all_good = false;
            break;
        case NFTA_TRACE_VERDICT:
            if (mnl_attr_validate(attribute, MNL_TYPE_NESTED) < 0 ||
                mnl_attr_parse_nested(attribute, check_verdict_attribute, ok) < 0 ||
                !verdict_has_code(attribute))
                all_good = false;
            break;
        case NFTA_TRACE_LL_HEADER:
        case NFTA_TRACE_NETWORK_HEADER:
        case NFTA_TRACE_TRANSPORT_HEADER:
            // libnftnl 1.2.4 ends the process on an empty header too (found by the fuzz suite).
            if (mnl_attr_validate(attribute, MNL_TYPE_BINARY) < 0 ||
                mnl_attr_get_payload_len(attribute) == 0)
                all_good = false;
            break;
        case NFTA_TRACE_IIFTYPE:
        case NFTA_TRACE_OIFTYPE:
            if (mnl_attr_validate(attribute, MNL_TYPE_U16) < 0) all_good = false;
            break;
        case NFTA_TRACE_ID:
        case NFTA_TRACE_TYPE:
        case NFTA_TRACE_IIF:
        case NFTA_TRACE_OIF:
        case NFTA_TRACE_MARK:
        case NFTA_TRACE_NFPROTO:
        case NFTA_TRACE_POLICY:
            if (mnl_attr_validate(attribute, MNL_TYPE_U32) < 0) all_good = false;
            break;
        default:
            break;
    }
    return MNL_CB_OK;
}

int note_attribute(const nlattr* attribute, void* seen) {
    auto type = mnl_attr_get_type(attribute);
    if (type < 64) *static_cast<uint64_t*>(seen) |= uint64_t{1} << type;
    return MNL_CB_OK;
}

bool trace_attributes_ok(const nlmsghdr* header) {
    if (header->nlmsg_len < mnl_nlmsg_size(sizeof(nfgenmsg))) return false;
    bool ok = true;
    if (mnl_attr_parse(header, sizeof(nfgenmsg), check_trace_attribute, &ok) < 0) return false;
    // libnftnl requires these two (and a verdict's code) or ends the process.
    uint64_t seen = 0;
    mnl_attr_parse(header, sizeof(nfgenmsg), note_attribute, &seen);
    if (!(seen & (uint64_t{1} << NFTA_TRACE_ID)) || !(seen & (uint64_t{1} << NFTA_TRACE_TYPE)))
        return false;
    return ok;
}

int on_trace_message(const nlmsghdr* header, void* context) {
    if (NFNL_SUBSYS_ID(header->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
        NFNL_MSG_TYPE(header->nlmsg_type) != NFT_MSG_TRACE)
        return MNL_CB_OK;
    if (!trace_attributes_ok(header)) return MNL_CB_OK;
    auto& on_event = *static_cast<const std::function<void(const NftTraceEvent&)>*>(context);
    std::unique_ptr<nftnl_trace, void (*)(const nftnl_trace*)> trace(nftnl_trace_alloc(),
                                                                     nftnl_trace_free);
    if (!trace || nftnl_trace_nlmsg_parse(header, trace.get()) < 0) return MNL_CB_OK;
    const nftnl_trace* t = trace.get();
    NftTraceEvent event;
    auto str = [&](uint16_t a) {
        return nftnl_trace_is_set(t, a) ? std::string(nftnl_trace_get_str(t, a)) : std::string();
    };
    event.id = nftnl_trace_is_set(t, NFTNL_TRACE_ID) ? nftnl_trace_get_u32(t, NFTNL_TRACE_ID) : 0;
    event.family = nftnl_trace_get_u32(t, NFTNL_TRACE_FAMILY);
    event.nfproto = nftnl_trace_is_set(t, NFTNL_TRACE_NFPROTO)
                        ? nftnl_trace_get_u32(t, NFTNL_TRACE_NFPROTO)
                        : event.family;
    event.table = str(NFTNL_TRACE_TABLE);
    event.chain = str(NFTNL_TRACE_CHAIN);
    event.type = nftnl_trace_get_u32(t, NFTNL_TRACE_TYPE);
    if (nftnl_trace_is_set(t, NFTNL_TRACE_RULE_HANDLE))
        event.handle = nftnl_trace_get_u64(t, NFTNL_TRACE_RULE_HANDLE);
    if (nftnl_trace_is_set(t, NFTNL_TRACE_VERDICT))
        event.verdict = nftnl_trace_get_u32(t, NFTNL_TRACE_VERDICT);
    event.jump_target = str(NFTNL_TRACE_JUMP_TARGET);
    if (nftnl_trace_is_set(t, NFTNL_TRACE_POLICY))
        event.policy = nftnl_trace_get_u32(t, NFTNL_TRACE_POLICY);
    if (nftnl_trace_is_set(t, NFTNL_TRACE_IIF))
        event.iif = interface_name(nftnl_trace_get_u32(t, NFTNL_TRACE_IIF));
    if (nftnl_trace_is_set(t, NFTNL_TRACE_OIF))
        event.oif = interface_name(nftnl_trace_get_u32(t, NFTNL_TRACE_OIF));
    // A rule step without a rule handle names no rule: `nft monitor trace` does not print it.
    // Debian's 6.12 sends such steps where a chain ends (seen in the guest); 6.1 sends RETURN.
    if (event.type == NFT_TRACETYPE_RULE && !event.handle) return MNL_CB_OK;
    event.network_header = bytes_of(t, NFTNL_TRACE_NETWORK_HEADER);
    event.transport_header = bytes_of(t, NFTNL_TRACE_TRANSPORT_HEADER);
    on_event(event);
    return MNL_CB_OK;
}

struct HandleList {
    std::vector<uint64_t> handles;
};

int on_rule_message(const nlmsghdr* header, void* context) {
    auto& list = *static_cast<HandleList*>(context);
    std::unique_ptr<nftnl_rule, void (*)(const nftnl_rule*)> rule(nftnl_rule_alloc(),
                                                                  nftnl_rule_free);
    if (!rule || nftnl_rule_nlmsg_parse(header, rule.get()) < 0) return MNL_CB_OK;
    if (nftnl_rule_is_set(rule.get(), NFTNL_RULE_HANDLE))
        list.handles.push_back(nftnl_rule_get_u64(rule.get(), NFTNL_RULE_HANDLE));
    return MNL_CB_OK;
}

}  // namespace

NftraceReader::NftraceReader() {
    socket_ = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (!socket_) throw KernelError(errno_message("netlink socket (NETLINK_NETFILTER)", errno));
    if (mnl_socket_bind(socket_, 0, MNL_SOCKET_AUTOPID) < 0) {
        int error = errno;
        mnl_socket_close(socket_);
        throw KernelError(errno_message("bind netlink socket", error));
    }
    int group = NFNLGRP_NFTRACE;
    if (mnl_socket_setsockopt(socket_, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
        int error = errno;
        mnl_socket_close(socket_);
        if (error == EPERM || error == EACCES)
            throw KernelError(errno_message(
                "join NFNLGRP_NFTRACE: the nf_tables trace group needs CAP_NET_ADMIN, which this "
                "process lacks (root without all capabilities?)",
                error));
        throw KernelError(
            errno_message("join NFNLGRP_NFTRACE (kernel without nf_tables trace, 4.6+?)", error));
    }
    // A burst of traced packets gives several messages per packet per chain: a large buffer.
    int size = 8 << 20;
    if (::setsockopt(mnl_socket_get_fd(socket_), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) !=
        0)
        ::setsockopt(mnl_socket_get_fd(socket_), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

NftraceReader::~NftraceReader() {
    if (socket_) mnl_socket_close(socket_);
}

int NftraceReader::fd() const {
    return mnl_socket_get_fd(socket_);
}

void NftraceReader::drain(const std::function<void(const NftTraceEvent&)>& on_event) {
    std::vector<char> buffer(static_cast<std::size_t>(MNL_SOCKET_BUFFER_SIZE) * 4);
    for (int i = 0; i < 10000; ++i) {
        auto n = mnl_socket_recvfrom(socket_, buffer.data(), buffer.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                ++overruns_;
                continue;
            }
            return;  // EAGAIN
        }
        decode_nftrace_messages(buffer.data(), static_cast<std::size_t>(n), on_event);
    }
}

void decode_nftrace_messages(const void* data, std::size_t size,
                             const std::function<void(const NftTraceEvent&)>& on_event) {
    // Only whole messages, each length within what is left (libmnl steps by nlmsg_len
    // without checking it against the buffer once the remaining length is negative).
    std::size_t whole = 0;
    const auto* bytes = static_cast<const uint8_t*>(data);
    while (size - whole >= sizeof(nlmsghdr)) {
        nlmsghdr header;
        std::memcpy(&header, bytes + whole, sizeof header);
        if (header.nlmsg_len < sizeof(nlmsghdr) || header.nlmsg_len > size - whole) break;
        whole += std::min<std::size_t>(NLMSG_ALIGN(header.nlmsg_len), size - whole);
    }
    if (whole == 0) return;
    mnl_cb_run(data, whole, 0, 0, on_trace_message,
               const_cast<std::function<void(const NftTraceEvent&)>*>(&on_event));
}

std::vector<uint64_t> nft_chain_rule_handles(uint32_t nfproto, const std::string& table,
                                             const std::string& chain) {
    HandleList list;
    mnl_socket* nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
    if (!nl) return {};
    std::unique_ptr<mnl_socket, int (*)(mnl_socket*)> owner(nl, mnl_socket_close);
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) return {};
    timeval timeout{2, 0};  // bounded: a dump never waits longer
    ::setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::vector<char> buffer(static_cast<std::size_t>(MNL_SOCKET_BUFFER_SIZE) * 4);
    auto seq = static_cast<uint32_t>(::time(nullptr));
    nlmsghdr* header = nftnl_nlmsg_build_hdr(buffer.data(), NFT_MSG_GETRULE,
                                             static_cast<uint16_t>(nfproto), NLM_F_DUMP, seq);
    std::unique_ptr<nftnl_rule, void (*)(const nftnl_rule*)> filter(nftnl_rule_alloc(),
                                                                    nftnl_rule_free);
    if (!filter) return {};
    nftnl_rule_set_str(filter.get(), NFTNL_RULE_TABLE, table.c_str());
    nftnl_rule_set_str(filter.get(), NFTNL_RULE_CHAIN, chain.c_str());
    nftnl_rule_nlmsg_build_payload(header, filter.get());
    if (mnl_socket_sendto(nl, header, header->nlmsg_len) < 0) return {};
    unsigned port = mnl_socket_get_portid(nl);
    for (int i = 0; i < 10000; ++i) {
        auto n = mnl_socket_recvfrom(nl, buffer.data(), buffer.size());
        if (n <= 0) return {};
        int status =
            mnl_cb_run(buffer.data(), static_cast<size_t>(n), seq, port, on_rule_message, &list);
        if (status <= MNL_CB_STOP) break;
    }
    return list.handles;
}

}  // namespace ftnt::netfilter
