#include "plan/sock_filter.h"

#include <vector>

#include "ftnettrace/filters.h"

namespace ftnt {
namespace {

std::string equals(const char* field, int64_t value) {
    return std::string(field) + " == " + std::to_string(value);
}

// A socket's tuple is local -> remote: -S and -D name a connection either way round. The
// tracepoints' sport/dport are host order (ntohs in TP_fast_assign).
std::string port_filter(const filters::PacketFilter& f) {
    std::vector<std::string> any;
    if (f.port) any.push_back(equals("sport", *f.port) + " || " + equals("dport", *f.port));
    if (f.sport && f.dport)
        any.push_back("(" + equals("sport", *f.sport) + " && " + equals("dport", *f.dport) +
                      ") || (" + equals("sport", *f.dport) + " && " + equals("dport", *f.sport) +
                      ")");
    else if (auto one = f.sport ? f.sport : f.dport)
        any.push_back(equals("sport", *one) + " || " + equals("dport", *one));
    return filters::all_of(any);
}

}  // namespace

bool sock_point_changes_state(const PathProbe& probe) {
    return probe.name == "sock:inet_sock_set_state" || probe.name == "tcp_set_state";
}

std::string sock_kernel_filter(const PathProbe& probe, const SockFilter& filter,
                               const std::function<bool(const std::string&)>& has_field) {
    std::vector<std::string> parts;
    // The kprobes' sp is skc_num, 0 once tcp_set_state(TCP_CLOSE) unhashed the socket: their
    // ports are checked in user space (on inet_sport).
    if (probe.tracepoint && has_field("sport") && has_field("dport"))
        parts.push_back(port_filter(filter.packet));
    if (filter.state) {
        const char* old_field = probe.tracepoint ? "oldstate" : "skstate";
        if (has_field(old_field) && has_field("newstate"))
            parts.push_back(equals(old_field, *filter.state) + " || " +
                            equals("newstate", *filter.state));
    }
    // tcp:tcp_probe's srtt is srtt_us >> 3 (microseconds); the kprobes read srtt_us itself.
    if (filter.srtt_us && probe.tracepoint && has_field("srtt"))
        parts.push_back("srtt >= " + std::to_string(filter.srtt_us));
    if (filter.srtt_us && !probe.tracepoint && has_field("srtt8"))
        parts.push_back("srtt8 >= " + std::to_string(filter.srtt_us * 8));
    if (filter.rtt_us && has_field("rtt"))
        parts.push_back("rtt >= " + std::to_string(filter.rtt_us));
    return filters::all_of(parts);
}

}  // namespace ftnt
