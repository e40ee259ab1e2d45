// kprobe fetchargs (Documentation/trace/kprobetrace.rst) for one probe point: the skb, its
// length, protocol, device, netns, pkt_type, a window of header bytes, and the scalar fields
// its filter compares.
#pragma once

#include <string>
#include <vector>

#include "ftnettrace/probe_filter.h"
#include "plan/skb_layout.h"

namespace ftnt {

// The fetcharg of a function's argument, 1-based: "$arg1" (kprobe_events has $argN since
// 4.20; the first six arguments, those passed in registers on x86_64).
std::string argument_fetcharg(int argument);

struct ProbeArgs {
    std::string skb_expression;  // "$arg1" or "+0($arg1)" (skb held in a struct)
    filters::Layer layer = filters::Layer::None;
    // An L3 point after the Ethernet header was parsed (receive side): the 12 bytes of MAC
    // addresses before skb->data are fetched, with skb->mac_len to tell they are there.
    bool mac_before_data = false;
};

// Bytes of header kept per event: enough for Ethernet + IPv6 + a TCP header.
constexpr int kHeaderWindow = 96;
// Where the window starts relative to skb->data at a layer.
int header_window_offset(filters::Layer layer);

// The socket fields a point at the `sock` layer fetches to tell its tuple: fam, s4, d4,
// sp (skc_num, host order), dp (skc_dport, network order), s6/s6l, d6/d6l.
std::vector<filters::FieldNeed> sock_tuple_fields(const filters::SockLayout& sock);

// The names of "NAME=FETCHARG[:TYPE]" words, in order: "table", "hook", "pf" of a catalog
// point's fields.
std::vector<std::string> fetcharg_names(const std::string& fetchargs);

std::string build_fetchargs(const ProbeArgs& probe, const SkbLayout& layout,
                            const filters::ProbeFilter& filter);

// A point with a socket and no skb (tcp_send_active_reset): the socket, its netns and its
// tuple; `sock` is the register holding the struct sock pointer.
std::string build_socket_fetchargs(const std::string& sock, const SkbLayout& layout,
                                   const filters::ProbeFilter& filter);

}  // namespace ftnt
