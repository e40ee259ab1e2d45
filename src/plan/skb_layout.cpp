#include "plan/skb_layout.h"

#include "core/errors.h"
#include "core/shown_value.h"
#include "discover/kernel_env.h"

namespace ftnt {
namespace {

MemberLocation required(const KernelTypes& types, const char* type, const char* path) {
    auto member = types.member(type, path);
    if (!member)
        throw KernelError(std::string("struct ") + type + " has no member " + path + " in " +
                          shown_value(types.source(), 210));
    return *member;
}

int optional_offset(const KernelTypes& types, const char* path) {
    auto member = types.member("sock_common", path);
    return member ? static_cast<int>(member->byte_offset) : -1;
}

}  // namespace

SkbLayout SkbLayout::from(const KernelTypes& types) {
    SkbLayout l;
    l.len = required(types, "sk_buff", "len");
    l.data = required(types, "sk_buff", "data");
    l.dev = required(types, "sk_buff", "dev");
    l.protocol = required(types, "sk_buff", "protocol");
    l.pkt_type = required(types, "sk_buff", "pkt_type");
    l.sk = required(types, "sk_buff", "sk");
    l.dev_ifindex = required(types, "net_device", "ifindex");
    l.dev_name = required(types, "net_device", "name");
    l.dev_net = required(types, "net_device", "nd_net.net");
    l.net_inum = required(types, "net", "ns.inum");
    l.sock.daddr = optional_offset(types, "skc_daddr");
    l.sock.rcv_saddr = optional_offset(types, "skc_rcv_saddr");
    l.sock.dport = optional_offset(types, "skc_dport");
    l.sock.num = optional_offset(types, "skc_num");
    l.sock.family = optional_offset(types, "skc_family");
    l.sock.v6_daddr = optional_offset(types, "skc_v6_daddr");
    l.sock.v6_rcv_saddr = optional_offset(types, "skc_v6_rcv_saddr");
    l.inet_sport = types.member("inet_sock", "inet_sport");
    l.nfct = types.member("sk_buff", "_nfct");
    l.sk_net = types.member("sock_common", "skc_net.net");
    l.mac_len = types.member("sk_buff", "mac_len");
    auto ct = [&](const char* path) {
        auto member = types.member("nf_conn", path);
        return member ? static_cast<int>(member->byte_offset) : -1;
    };
    if (l.nfct) {
        l.conntrack.src = ct("tuplehash.tuple.src.u3.ip");
        l.conntrack.dst = ct("tuplehash.tuple.dst.u3.ip");
        l.conntrack.sport = ct("tuplehash.tuple.src.u.all");
        l.conntrack.dport = ct("tuplehash.tuple.dst.u.all");
    }
    l.source = "BTF " + shown_value(types.source(), 210);
    return l;
}

KernelOffsets load_kernel_offsets(const std::string& btf, const std::string& vmlinux) {
    KernelOffsets offsets;
    try {
        offsets.types = KernelTypes::find(btf, vmlinux, kernel_release());
        offsets.layout = SkbLayout::from(*offsets.types);
    } catch (const KernelError& error) {
        offsets.error = error.what();
    }
    return offsets;
}

}  // namespace ftnt
