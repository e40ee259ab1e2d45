#include "decode/path_event.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

namespace ftnt {
namespace {

FieldRef first_of(tep_event* event, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (FieldRef field(event, name); field) return field;
    return {};
}

}  // namespace

PathEventDecoder::PathEventDecoder(tep_event* event, std::string func, filters::Layer layer,
                                   const std::vector<std::string>& extra_names)
    : func_(std::move(func)),
      layer_(layer),
      frees_(func_ == "skb:consume_skb" || func_ == "skb:kfree_skb"),
      skb_(first_of(event, {"skb", "skbaddr"})),
      sk_(event, "sk"),
      len_(event, "len"),
      proto_(first_of(event, {"proto", "protocol"})),
      pkt_type_(event, "pkt_type"),
      ifindex_(event, "ifindex"),
      netns_(event, "netns"),
      dev_(first_of(event, {"dev", "name"})),
      hdr_(event, "hdr"),
      ret_(event, "ret"),
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
      reason_(event, "reason") {
    for (const auto& name : extra_names) extra_.emplace_back(name, FieldRef(event, name.c_str()));
}

bool PathEventDecoder::decode(std::span<const uint8_t> raw, PathEvent& out) const {
    out.func = func_;
    out.frees_skb = frees_;
    if (ret_) {
        uint64_t value = ret_.number(raw).value_or(0);
        // A ret_type s32 field holds an int: sign-extend it.
        out.retval = ret_.size() == 4 && ret_.is_signed()
                         ? static_cast<int64_t>(static_cast<int32_t>(value))
                         : static_cast<int64_t>(value);
        return true;
    }
    if (!skb_ && !sk_) return false;
    out.skb = skb_ ? skb_.number(raw).value_or(0) : 0;  // a socket point has no skb
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
    out.location = location_.number(raw).value_or(0);
    for (const auto& [name, field] : extra_) {
        if (!field) continue;
        auto n = field.size() <= 8 && !field.is_array() ? field.number(raw) : std::nullopt;
        out.extra.emplace_back(name, n ? std::to_string(*n) : field.text(raw));
    }
    if (reason_) out.reason_code = static_cast<uint32_t>(reason_.number(raw).value_or(0));
    if (hdr_) out.packet = decode_headers(hdr_.bytes(raw), layer_, out.ethertype);
    if (layer_ == filters::Layer::Sock) decode_sock_tuple(raw, out);
    return true;
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
