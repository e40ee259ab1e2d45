#include "cli/run_options.h"

namespace ftnt {

filters::FilterFlags filter_flags_of(const Options& o) {
    return {o.saddr, o.daddr, o.addr, o.sport, o.dport, o.port, o.protocols};
}

DropRunOptions drop_run_options(const Options& o) {
    DropRunOptions drop;
    drop.filter = filter_flags_of(o);
    drop.reasons = o.reasons;
    drop.exclude_reasons = o.exclude_reasons;
    drop.pid = o.pid;
    drop.stack = o.drop_stack;
    drop.summary = o.summary;
    drop.btf = o.btf;
    drop.vmlinux = o.vmlinux;
    return drop;
}

netfilter::FirewallOptions firewall_options(const Options& o) {
    return {o.iptables_trace, o.log_invalid};
}

}  // namespace ftnt
