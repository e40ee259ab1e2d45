// The struct offsets path tracing fetches through, resolved once per run from BTF.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "discover/kernel_types.h"
#include "ftnettrace/probe_filter.h"

namespace ftnt {

struct SkbLayout {
    MemberLocation len, data, dev, protocol, pkt_type, sk;
    MemberLocation dev_ifindex, dev_name, dev_net, net_inum;
    filters::SockLayout sock;
    std::optional<MemberLocation> inet_sport;  // inet_sock.inet_sport (network order)
    std::optional<MemberLocation> nfct;        // sk_buff._nfct (CONFIG_NF_CONNTRACK)
    // sock_common.skc_net.net: the netns of a packet with no skb->dev yet (OUTPUT path).
    std::optional<MemberLocation> sk_net;
    std::optional<MemberLocation> mac_len;  // sk_buff.mac_len: 14 once an Ethernet header is parsed
    filters::ConntrackLayout conntrack;     // nf_conn, when nf_conntrack's BTF is loaded
    std::string source;                     // "BTF /sys/kernel/btf/vmlinux"

    // Throws KernelError naming the member it could not find.
    static SkbLayout from(const KernelTypes& types);
};

// The run's type information and the layout taken from it, or why there is none.
struct KernelOffsets {
    std::unique_ptr<KernelTypes> types;
    std::optional<SkbLayout> layout;
    std::string error;
};
// --btf, else --vmlinux, else the running kernel's BTF or debuginfo (KernelTypes::find).
KernelOffsets load_kernel_offsets(const std::string& btf, const std::string& vmlinux);

}  // namespace ftnt
