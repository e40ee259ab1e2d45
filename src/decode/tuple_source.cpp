#include "decode/tuple_source.h"

#include <sys/socket.h>

#include <cstring>

#include "core/errors.h"

namespace ftnt {
namespace {

// struct sockaddr_in6 is 28 bytes; 6.10+ tcp tracepoints store one per address.
constexpr unsigned kSockaddrIn6Size = 28;

}  // namespace

TracepointAddresses::TracepointAddresses(tep_event* event)
    : saddr_(event, "saddr"),
      daddr_(event, "daddr"),
      saddr_v6_(event, "saddr_v6"),
      daddr_v6_(event, "daddr_v6"),
      sport_(event, "sport"),
      dport_(event, "dport"),
      family_(event, "family") {}

TupleSource::TupleSource(const TupleSourceSpec& spec, tep_event* event)
    : name_(spec.name),
      l4_(spec.l4),
      reply_(spec.addresses == "reply"),
      skb_(event, spec.skb.c_str()),
      addresses_(event) {
    const auto& where = spec.where;
    if (!skb_) throw UsageError(where + ": " + spec.name + " has no field " + spec.skb);
    if (!addresses_) throw UsageError(where + ": " + spec.name + " has no saddr/daddr");
    if (spec.addresses != "packet" && spec.addresses != "reply")
        throw UsageError(where + ": addresses must be packet or reply");
    if (!spec.require.empty()) {
        require_ = FieldRef(event, spec.require.c_str());
        if (!require_) throw UsageError(where + ": " + spec.name + " has no field " + spec.require);
    }
}

bool TracepointAddresses::read(std::span<const uint8_t> raw, PacketTuple& tuple) const {
    if (!*this) return false;
    if (saddr_.size() >= kSockaddrIn6Size) {
        int family_s = 0, family_d = 0;
        bool ok = read_sockaddr(saddr_.bytes(raw), family_s, tuple.saddr, tuple.sport) &&
                  read_sockaddr(daddr_.bytes(raw), family_d, tuple.daddr, tuple.dport);
        tuple.family = family_s;
        tuple.has_ports = true;
        return ok && family_s == family_d;
    }
    if (saddr_.size() != 4) return false;
    tuple.family = 4;
    if (family_ && family_.number(raw).value_or(AF_INET) == AF_INET6 && saddr_v6_ && daddr_v6_) {
        tuple.family = 6;
        std::memcpy(tuple.saddr.data(), saddr_v6_.bytes(raw).data(), 16);
        std::memcpy(tuple.daddr.data(), daddr_v6_.bytes(raw).data(), 16);
    } else {
        std::memcpy(tuple.saddr.data(), saddr_.bytes(raw).data(), 4);
        std::memcpy(tuple.daddr.data(), daddr_.bytes(raw).data(), 4);
    }
    if (sport_ && dport_) {
        tuple.sport = static_cast<uint16_t>(sport_.number(raw).value_or(0));
        tuple.dport = static_cast<uint16_t>(dport_.number(raw).value_or(0));
        tuple.has_ports = true;
    }
    return true;
}

std::optional<SkbTuple> TupleSource::decode(std::span<const uint8_t> raw) const {
    SkbTuple out;
    out.skb = skb_.number(raw).value_or(0);
    if (out.skb == 0 || !addresses_.read(raw, out.tuple)) return std::nullopt;
    bool ports_meaningful = !require_ || require_.number(raw).value_or(0) != 0;
    out.tuple.has_ports = out.tuple.has_ports && ports_meaningful;
    out.tuple.l4 = ports_meaningful ? l4_ : "";
    if (reply_) out.tuple = out.tuple.reversed();
    return out;
}

}  // namespace ftnt
