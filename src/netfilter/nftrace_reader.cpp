#include "netfilter/nftrace_reader.h"

#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <libnftnl/trace.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
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

int on_trace_message(const nlmsghdr* header, void* context) {
    if (NFNL_SUBSYS_ID(header->nlmsg_type) != NFNL_SUBSYS_NFTABLES ||
        NFNL_MSG_TYPE(header->nlmsg_type) != NFT_MSG_TRACE)
        return MNL_CB_OK;
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
    mnl_cb_run(data, size, 0, 0, on_trace_message,
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
