#include "track/path_match.h"

#include "decode/packet_tuple.h"

namespace ftnt {
namespace {

filters::TupleFacts facts_of(const PathEvent& e) {
    if (!e.packet) {
        filters::TupleFacts f;
        f.ethertype = e.ethertype;
        return f;
    }
    return to_facts(e.packet->tuple, e.ethertype);
}

}  // namespace

bool PathMatch::matches(const PathEvent& e, const PathProbe& probe) const {
    // Tracepoints only: nothing to filter on; a packet is followed from its first net:*
    // event (one seen only when freed tells nothing).
    // A free only ends a followed packet: it never starts one.
    if (e.frees_skb) return false;
    if (!kprobes_) return true;
    if (probe.tracepoint || probe.layer == filters::Layer::None)
        return filter_.empty() && user_checks_pass(e);
    if (netns_ && e.netns && e.netns != netns_) return false;
    if (!filter_.empty() && !(probe.exact_filter && !probe.filter.empty())) {
        if (!e.packet || !filter_.matches(facts_of(e))) return false;
    }
    return user_checks_pass(e);
}

// Its namespace is unknown, so --netns hides it.
bool PathMatch::socket_event_passes(const PathEvent& e) const {
    if (netns_ || !user_checks_pass(e)) return false;
    if (filter_.empty()) return true;
    if (!e.packet) return false;
    const auto& tuple = e.packet->tuple;
    return filter_.matches(to_facts(tuple)) || filter_.matches(to_facts(tuple.reversed()));
}

bool PathMatch::user_checks_pass(const PathEvent& e) const {
    if (checks_.pid && e.pid != checks_.pid) return false;
    if (checks_.tcp_flags &&
        (!e.packet || (e.packet->tcp_flags & checks_.tcp_flags) != checks_.tcp_flags))
        return false;
    if (checks_.icmp_id >= 0 && (!e.packet || e.packet->icmp_type < 0 ||
                                 e.packet->icmp_id != static_cast<uint16_t>(checks_.icmp_id)))
        return false;
    return true;
}

}  // namespace ftnt
