#include "decode/path_event.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

#include "decode/tcp_state.h"

namespace ftnt {
namespace {

FieldRef first_of(tep_event* event, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (FieldRef field(event, name); field) return field;
    return {};
}

bool is_tracepoint(const std::string& func) {
    return func.find(':') != std::string::npos;
}

// tcp:* tracepoints are about TCP; the others that carry addresses say nothing of the protocol.
std::string l4_of(const std::string& func) {
    return func.starts_with("tcp:") ? "TCP" : "";
}

}  // namespace

PathEventDecoder::PathEventDecoder(tep_event* event, std::string func, filters::Layer layer,
                                   const std::vector<std::string>& extra_names,
                                   const std::string& lifecycle, DecodeAs decode)
    : func_(std::move(func)),
      decode_(decode),
      layer_(layer),
      frees_(lifecycle == "free"),
      entry_(lifecycle == "entry"),
      skb_(first_of(event, {"skb", "skbaddr"})),
      len_(event, "len"),
      proto_(first_of(event, {"proto", "protocol"})),
      pkt_type_(event, "pkt_type"),
      ifindex_(event, "ifindex"),
      netns_(event, "netns"),
      skns_(event, "skns"),
      dev_(first_of(event, {"dev", "name"})),
      hdr_(event, "hdr"),
      ret_(event, "ret"),
      maclen_(event, "maclen"),
      mac_(event, "mac"),
      skp_(event, "skp"),
      devp_(event, "devp"),
      fam_(event, "fam"),
      s4_(event, "s4"),
      d4_(event, "d4"),
      sp_(event, "sp"),
      dp_(event, "dp"),
      s6_(event, "s6"),
      s6l_(event, "s6l"),
      d6_(event, "d6"),
      d6l_(event, "d6l"),
      lsp_(event, "lsp"),
      location_(event, "location"),
      reason_(event, "reason"),
      sk_(first_of(event, {"skaddr", "sk"})),  // a socket tracepoint's, a socket kprobe's
      state_(event, "state"),
      reasons_(DropReasonTable::from_event(event)),
      addresses_(is_tracepoint(func_) ? TracepointAddresses(event) : TracepointAddresses()),
      tracepoint_l4_(l4_of(func_)) {
    for (const auto& name : extra_names) extra_.emplace_back(name, FieldRef(event, name.c_str()));
}

bool PathEventDecoder::decode(std::span<const uint8_t> raw, PathEvent& out) const {
    out.func = func_;
    out.decode = decode_;
    out.frees_skb = frees_;
    out.entry_point = entry_;
    if (ret_) {
        uint64_t value = ret_.number(raw).value_or(0);
        // A ret_type s32 field holds an int: sign-extend it.
        out.retval = ret_.size() == 4 && ret_.is_signed()
                         ? static_cast<int64_t>(static_cast<int32_t>(value))
                         : static_cast<int64_t>(value);
        return true;
    }
    // A socket event without skb and sk (sock:sock_rcvqueue_full) still has its fields.
    if (!skb_ && !sk_ && extra_.empty()) return false;
    out.skb = skb_ ? skb_.number(raw).value_or(0) : 0;  // a socket point has no skb
    out.sk = sk_.number(raw).value_or(0);
    // tcp_send_reset's state is 0 when there is no socket (a reset answering a packet).
    auto state = static_cast<int32_t>(state_.number(raw).value_or(0));
    if (state_ && is_tracepoint(func_) && state) out.state = tcp_state_name(state);
    out.len = static_cast<uint32_t>(len_.number(raw).value_or(0));
    if (proto_) {
        auto value = static_cast<uint16_t>(proto_.number(raw).value_or(0));
        // kprobes read skb->protocol from memory (network order); tracepoints store ntohs().
        out.ethertype = func_.find(':') == std::string::npos ? ntohs(value) : value;
    }
    if (pkt_type_) out.pkt_type = static_cast<int>(pkt_type_.number(raw).value_or(0));
    if (ifindex_)
        out.ifindex = static_cast<int>(static_cast<int32_t>(ifindex_.number(raw).value_or(0)));
    out.netns = static_cast<uint32_t>(netns_.number(raw).value_or(0));
    out.dev = dev_.text(raw);
    // A kprobe reads ifindex, netns and the name through skb->dev (plan/fetchargs.cpp). Where
    // skb->dev is NULL (ip_output's entry, 6.1) every one of those reads faults, and a faulted
    // fixed-size fetcharg keeps whatever the per-CPU buffer held before: the previous event's
    // ifindex and netns (seen in the 6.1 guest). The name is a string, empty on a fault, and
    // no device has an empty name: without it, ifindex and netns are unknown.
    bool no_dev = out.dev.empty() || (devp_ && devp_.number(raw).value_or(0) == 0);
    if (!is_tracepoint(func_) && dev_ && no_dev) {
        out.ifindex = 0;
        out.netns = 0;
    }
    // Without a device (the send path before skb->dev is set) the socket's netns says it;
    // without a socket either, skns holds stale bytes and the netns is unknown.
    bool has_sk = skp_ && skp_.number(raw).value_or(0) != 0;
    if (!out.netns && skns_ && has_sk)
        out.netns = static_cast<uint32_t>(skns_.number(raw).value_or(0));
    out.location = location_.number(raw).value_or(0);
    for (const auto& [name, field] : extra_) {
        if (!field) continue;
        auto n = field.size() <= 8 && !field.is_array() ? field.number(raw) : std::nullopt;
        if (n && field.is_signed()) {
            unsigned bits = field.size() * 8;  // a signed field's value, sign-extended
            int64_t value = bits < 64 && (*n >> (bits - 1)) & 1
                                ? static_cast<int64_t>(*n | (~0ull << bits))
                                : static_cast<int64_t>(*n);
            out.extra.emplace_back(name, std::to_string(value));
            continue;
        }
        out.extra.emplace_back(name, n ? std::to_string(*n) : field.text(raw));
    }
    if (reason_) {
        out.reason_code = static_cast<uint32_t>(reason_.number(raw).value_or(0));
        if (reasons_.size()) out.reason = reasons_.name_of(*out.reason_code);
    }
    if (hdr_) {
        auto window = hdr_.bytes(raw);
        out.packet = decode_headers(window, layer_, out.ethertype);
        // At L2 the window starts at the Ethernet header the IP header follows.
        std::optional<std::size_t> mac;
        if (layer_ == filters::Layer::L2) mac = 0;
        if (out.packet) out.bytes = capture_packet(window, out.packet->ip_offset, mac);
    }
    decode_macs(raw, out);
    if (layer_ == filters::Layer::Sock) decode_sock_tuple(raw, out);
    if (addresses_) decode_tracepoint_tuple(raw, out);
    return true;
}

void PathEventDecoder::decode_tracepoint_tuple(std::span<const uint8_t> raw, PathEvent& out) const {
    PacketDetails d;
    if (!addresses_.read(raw, d.tuple) || (d.tuple.family != 4 && d.tuple.family != 6)) return;
    d.tuple.l4 = tracepoint_l4_;
    out.packet = d;
}

void PathEventDecoder::decode_macs(std::span<const uint8_t> raw, PathEvent& out) const {
    std::span<const uint8_t> header;
    if (layer_ == filters::Layer::L2 && hdr_)
        header = hdr_.bytes(raw);
    else if (mac_ && maclen_.number(raw).value_or(0) == 14)
        header = mac_.bytes(raw);
    if (header.size() < 12) return;
    std::array<uint8_t, 6> dst, src;
    std::memcpy(dst.data(), header.data(), 6);
    std::memcpy(src.data(), header.data() + 6, 6);
    out.dmac = dst;
    out.smac = src;
}

void PathEventDecoder::decode_sock_tuple(std::span<const uint8_t> raw, PathEvent& out) const {
    auto family = fam_.number(raw).value_or(0);
    PacketDetails d;
    if (family == AF_INET) {
        d.tuple.family = 4;
        std::memcpy(d.tuple.saddr.data(), s4_.bytes(raw).data(), 4);
        std::memcpy(d.tuple.daddr.data(), d4_.bytes(raw).data(), 4);
    } else if (family == AF_INET6 && s6_ && d6_) {
        d.tuple.family = 6;
        std::memcpy(d.tuple.saddr.data(), s6_.bytes(raw).data(), 8);
        std::memcpy(d.tuple.saddr.data() + 8, s6l_.bytes(raw).data(), 8);
        std::memcpy(d.tuple.daddr.data(), d6_.bytes(raw).data(), 8);
        std::memcpy(d.tuple.daddr.data() + 8, d6l_.bytes(raw).data(), 8);
    } else {
        return;
    }
    d.tuple.sport = lsp_ ? ntohs(static_cast<uint16_t>(lsp_.number(raw).value_or(0)))
                         : static_cast<uint16_t>(sp_.number(raw).value_or(0));  // skc_num: host
    d.tuple.dport = ntohs(static_cast<uint16_t>(dp_.number(raw).value_or(0)));
    d.tuple.has_ports = true;
    out.packet = d;
}

}  // namespace ftnt
