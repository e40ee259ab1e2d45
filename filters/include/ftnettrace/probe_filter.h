// A PacketFilter compiled for one probe point: the scalar fields that point must fetch and
// the ftrace filter expression over them (Documentation/trace/events.rst §5).
//
// Fields are placed relative to where the point's skb->data is (or to its socket), so the
// caller turns them into kprobe fetchargs like `s4=+12(+208(%di)):u32`. Values compare as
// the kernel reads memory on a little-endian host: a network-order u32 address or u16 port
// is given byte-swapped.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ftnettrace/packet_filter.h"

namespace ftnt::filters {

// Where skb->data points at a probe point. IcmpBody: past the 8-byte ICMP header, which
// icmp_rcv/icmpv6_rcv pull before calling the type's handler (icmp_echo, ping_rcv...).
enum class Layer { L2, L3, L4, IcmpBody, Sock, None };

struct FieldNeed {
    std::string name;  // fetcharg name, e.g. "s4"
    enum class From { Data, Sock, Conntrack } from = From::Data;
    int offset = 0;     // bytes from skb->data, or a SockField index for From::Sock
    unsigned size = 0;  // 1, 2, 4 or 8; 0: the IP version nibble of the byte at offset
};

// Byte offsets in struct sock_common the caller found in BTF.
struct SockLayout {
    int daddr = -1, rcv_saddr = -1, dport = -1, num = -1, family = -1;
    int v6_daddr = -1, v6_rcv_saddr = -1;
};

// Offsets in struct nf_conn of its original-direction tuple (IPv4), from BTF. A packet NAT
// rewrote keeps its conntrack entry, so matching the entry's original tuple follows it.
struct ConntrackLayout {
    int src = -1, dst = -1, sport = -1, dport = -1;
    bool available() const { return src >= 0 && dst >= 0 && sport >= 0 && dport >= 0; }
};

// skb->_nfct is the nf_conn pointer with ctinfo (0-4) in its low 3 bits, and a fetcharg
// cannot mask it: reading at +off-k for k = 0..4 puts the exact field in one of the five
// reads, whatever ctinfo is. A false match needs a shifted read to equal the address.
constexpr int kConntrackShifts = 5;

struct ProbeFilter {
    std::vector<FieldNeed> fields;  // to fetch, besides the always-present "proto"
    std::string expression;         // "" when nothing can be checked in the kernel here
    bool exact = true;              // false: user space must check the tuple again
};

// `proto` is the name of the fetched skb->protocol (network order, u16) field. At L3 the
// family is told by the IP header's version nibble (field `ipv`) instead: skb->protocol is
// still 0 where a locally made packet enters the IP layer (__ip_local_out sets it).
ProbeFilter compile_probe_filter(const PacketFilter& filter, Layer layer, const SockLayout& sock,
                                 const ConntrackLayout& conntrack = {});

// Where the IPv4 / IPv6 header starts relative to skb->data at a layer (Ethernet at L2;
// no IPv4 options and no IPv6 extension headers assumed at L4, checked in user space).
int ipv4_header_offset(Layer layer);
int ipv6_header_offset(Layer layer);

uint32_t swap32(uint32_t v);
uint16_t swap16(uint16_t v);

}  // namespace ftnt::filters
