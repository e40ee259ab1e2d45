#include "netfilter/firewall_trace.h"

#include <net/if.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <iostream>
#include <optional>
#include <set>
#include <unordered_map>

#include "core/monotonic_clock.h"
#include "core/netns_name.h"
#include "core/packet_tuple.h"
#include "netfilter/backend.h"
#include "netfilter/command.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/kmsg_announce.h"
#include "netfilter/kmsg_lines.h"
#include "netfilter/kmsg_reader.h"
#include "netfilter/match_args.h"
#include "netfilter/nft_table.h"
#include "netfilter/nft_trace_decode.h"
#include "netfilter/nftrace_reader.h"
#include "netfilter/rule_lookup.h"
#include "netfilter/rule_text.h"
#include "netfilter/sysctl_setting.h"

namespace ftnt::netfilter {
namespace {

using Clock = std::chrono::steady_clock;

// The interface names of the target namespace: a kernel log line names its devices, not its
// namespace, so a line is taken as ours only when its devices exist here.
class InterfaceNames {
  public:
    bool contains(const std::string& name) {
        if (name.empty()) return true;
        if (names_.count(name)) return true;
        if (Clock::now() - read_ < std::chrono::seconds(1)) return false;
        load();
        return names_.count(name) > 0;
    }
    void load() {
        names_.clear();
        if (auto* list = ::if_nameindex()) {
            for (auto* i = list; i->if_index != 0; ++i) names_.insert(i->if_name);
            ::if_freenameindex(list);
        }
        read_ = Clock::now();
    }

  private:
    std::set<std::string> names_;
    Clock::time_point read_{};
};

// The packet an nf_tables trace id belongs to: headers come with the first message per chain.
class TraceIdPackets {
  public:
    void remember(uint32_t id, const PacketInfo& packet) {
        if (!packets_.count(id)) {
            order_.push_back(id);
            if (order_.size() > 4096) {
                packets_.erase(order_.front());
                order_.pop_front();
            }
        }
        packets_[id] = packet;
    }
    const PacketInfo* find(uint32_t id) const {
        auto found = packets_.find(id);
        return found == packets_.end() ? nullptr : &found->second;
    }

  private:
    std::unordered_map<uint32_t, PacketInfo> packets_;
    std::deque<uint32_t> order_;
};

// nf_log.<pf> must name a logger for TRACE/LOG lines to reach the kernel log; nothing bound
// (NONE) is the default on many kernels until a LOG rule is first added.
void bind_logger(RunState& state, uint32_t netns, int pf, const char* logger,
                 std::vector<std::unique_ptr<SysctlSetting>>& sysctls) {
    std::string key = "net/netfilter/nf_log/" + std::to_string(pf);
    auto current = read_sysctl(key);
    if (!current) return;  // no such sysctl: nothing to bind (an old kernel logs anyway)
    if (*current != "NONE") {
        if (*current != logger)
            std::cerr << "ftnettrace: " << sysctl_name(key) << " is " << *current
                      << ": TRACE/LOG lines go there, not to the kernel log\n";
        return;
    }
    // The logger may be a module (nf_log_syslog since 5.13, nf_log_ipv4/6 before).
    run_command({"modprobe", "-q", "nf_log_syslog"});
    run_command({"modprobe", "-q", logger});
    sysctls.push_back(std::make_unique<SysctlSetting>(state, netns, key, logger, std::cerr));
}

std::string joined(const std::vector<std::string>& parts) {
    std::string text;
    for (const auto& p : parts) text += (text.empty() ? "" : ", ") + p;
    return text;
}

}  // namespace

// Turns kernel log records and nf_tables trace messages into the steps of our packets.
class StepSource {
  public:
    // `announce_prefix`: of the run's LOG rules beside its legacy TRACE rules.
    StepSource(const filters::PacketFilter& filter, std::string announce_prefix, bool legacy_trace,
               bool log_invalid, bool nft_trace)
        : filter_(filter),
          announce_prefix_(std::move(announce_prefix)),
          legacy_trace_(legacy_trace),
          log_invalid_(log_invalid),
          nft_trace_(nft_trace) {
        interfaces_.load();
    }

    void on_kmsg(const KmsgRecord& record, const FirewallTrace::OnStep& on_step,
                 const FirewallTrace::OnInvalid& on_invalid) {
        if (legacy_trace_) {
            if (auto packet = parse_prefixed_log(record.message, announce_prefix_)) {
                announced_.announce(*packet, record.time_us);
                return;
            }
            if (auto line = parse_trace_line(record.message)) {
                // Not announced by our LOG rule: a packet of another namespace (or rule).
                if (!announced_.announced(line->packet, record.time_us)) {
                    ++foreign;
                    return;
                }
                if (!ours(line->packet)) return;
                TraceStep step;
                step.time_ns = record.time_us * 1000;
                step.backend = "iptables-legacy";
                step.family = line->packet.tuple && line->packet.tuple->family == 6 ? "ip6" : "ip";
                step.table = line->table;
                step.chain = line->chain;
                step.kind = line->kind;
                if (line->kind == "rule") step.rule = line->number;
                step.packet = line->packet;
                book_.describe_legacy(step);
                if (tagged_pid(step.rule_text)) return;  // a TRACE rule of ours (or a peer's)
                ++steps;
                on_step(step);
                return;
            }
        }
        if (log_invalid_) {
            if (auto packet = parse_prefixed_log(record.message, kInvalidPrefix)) {
                if (!ours(*packet)) return;
                ++invalid;
                on_invalid({record.time_us * 1000, *packet});
            }
        }
    }

    void on_nftrace(const NftTraceEvent& event, const FirewallTrace::OnStep& on_step) {
        if (!nft_trace_ || event.table.starts_with(kNftTablePrefix)) return;
        TraceStep step;
        step.trace_id = event.id;
        if (!event.network_header.empty()) {
            PacketInfo packet;
            packet.in = event.iif;
            packet.out = event.oif;
            decode_trace_headers(event.network_header, event.transport_header, packet);
            packets_.remember(event.id, packet);
        }
        if (const auto* packet = packets_.find(event.id)) step.packet = *packet;
        if (step.packet.tuple && !filter_.empty() && !filter_.matches(to_facts(*step.packet.tuple)))
            return;  // traced by someone else's nftrace rule
        book_.describe_nft(step, event);
        if (tagged_pid(step.rule_text)) return;
        ++steps;
        on_step(step);
    }

    uint64_t steps = 0, invalid = 0, foreign = 0;

  private:
    bool ours(const PacketInfo& packet) {
        if (!packet.tuple) return false;
        if (!filter_.empty() && !filter_.matches(to_facts(*packet.tuple))) return false;
        return interfaces_.contains(packet.in) && interfaces_.contains(packet.out);
    }

    filters::PacketFilter filter_;
    std::string announce_prefix_;
    AnnouncedPackets announced_;
    bool legacy_trace_, log_invalid_, nft_trace_;
    RuleBook book_;
    InterfaceNames interfaces_;
    TraceIdPackets packets_;
};

// Members in set-up order, so that they are torn down in reverse: rules before the readers,
// the namespace left after both, sysctls restored last.
struct FirewallTrace::Parts {
    std::vector<std::unique_ptr<SysctlSetting>> sysctls;
    std::optional<NetnsEnter> enter;
    std::optional<KmsgReader> kmsg;
    std::optional<NftraceReader> nftrace;
    RuleList rules;
    std::optional<NftTable> table;
    std::unique_ptr<StepSource> source;
};

FirewallTrace::FirewallTrace(RunState& state, const FirewallOptions& options,
                             const filters::PacketFilter& filter, const NetnsTarget& target)
    : state_(state), parts_(std::make_unique<Parts>()) {
    Parts& r = *parts_;
    state_.set_netns(target.inode, target.path);
    auto matches = expand_filter(filter);
    Backends backends;
    {
        NetnsEnter look(target);
        backends = detect_backends();
    }
    bool legacy_trace = options.trace_rules && backends.legacy;
    bool nft_trace = options.trace_rules && backends.nft;
    bool invalid_legacy = options.log_invalid && backends.legacy;
    bool need_kmsg = legacy_trace || options.log_invalid;
    // nf_log_all_netns exists in the initial namespace only: set it from there.
    if (need_kmsg && !target.is_init)
        r.sysctls.push_back(std::make_unique<SysctlSetting>(
            state_, ftnt::current_netns_inode(), "net/netfilter/nf_log_all_netns", "1", std::cerr));
    r.enter.emplace(target);
    if (need_kmsg) {
        bool v4 = false, v6 = false;
        for (const auto& m : matches) (m.family == 4 ? v4 : v6) = true;
        if (v4) bind_logger(state_, target.inode, 2, "nf_log_ipv4", r.sysctls);
        if (v6) bind_logger(state_, target.inode, 10, "nf_log_ipv6", r.sysctls);
    }
    // Readers first, rules after: no step of a matching packet is missed.
    if (need_kmsg) r.kmsg.emplace();
    if (nft_trace) r.nftrace.emplace();

    std::vector<std::string> what;
    std::string prefix = announce_prefix(state_.pid());
    if (legacy_trace) {
        add_trace_rules(state_, legacy_tool(), matches, r.rules);
        auto trace_rules = r.rules.size();
        add_announce_rules(state_, legacy_tool(), matches, prefix, r.rules);  // inserted above
        what.push_back("iptables-legacy TRACE (" + std::to_string(trace_rules) +
                       " rules in raw PREROUTING/OUTPUT, each under a LOG rule with prefix \"" +
                       prefix.substr(0, prefix.size() - 1) +
                       "\" that tells this namespace's packets from others')");
    }
    if (invalid_legacy) {
        auto before = r.rules.size();
        add_log_invalid_rules(state_, legacy_tool(), matches, r.rules);
        what.push_back("iptables-legacy LOG of ctstate INVALID (" +
                       std::to_string(r.rules.size() - before) + " rules in filter)");
    }
    bool invalid_nft = options.log_invalid && !invalid_legacy;
    if (nft_trace || invalid_nft) {
        if (backends.nft_cli) {
            r.table.emplace(state_, nft_trace ? matches : std::vector<RuleMatch>{},
                            invalid_nft ? matches : std::vector<RuleMatch>{});
            what.push_back(std::string(nft_trace ? "nf_tables trace" : "") +
                           (nft_trace && invalid_nft ? " and " : "") +
                           (invalid_nft ? "LOG of ct state invalid" : "") + " (table inet " +
                           r.table->name() + ")");
        } else {
            auto before = r.rules.size();
            if (nft_trace) add_trace_rules(state_, nft_compat_tool(), matches, r.rules);
            if (invalid_nft) add_log_invalid_rules(state_, nft_compat_tool(), matches, r.rules);
            what.push_back("iptables-nft rules (" + std::to_string(r.rules.size() - before) +
                           ", no nft command)");
        }
    }
    r.source =
        std::make_unique<StepSource>(filter, prefix, legacy_trace, options.log_invalid, nft_trace);
    description_ = joined(what) + " [" + backends.why + "]";
}

FirewallTrace::~FirewallTrace() = default;

int FirewallTrace::kmsg_fd() const {
    return parts_->kmsg ? parts_->kmsg->fd() : -1;
}

int FirewallTrace::nftrace_fd() const {
    return parts_->nftrace ? parts_->nftrace->fd() : -1;
}

void FirewallTrace::drain(const OnStep& on_step, const OnInvalid& on_invalid) {
    if (parts_->kmsg)
        parts_->kmsg->drain([&](const KmsgRecord& record) {
            parts_->source->on_kmsg(record, on_step, on_invalid);
        });
    if (parts_->nftrace)
        parts_->nftrace->drain(
            [&](const NftTraceEvent& event) { parts_->source->on_nftrace(event, on_step); });
}

FirewallCounts FirewallTrace::counts() const {
    FirewallCounts c;
    c.steps = parts_->source->steps;
    c.invalid = parts_->source->invalid;
    c.foreign_trace_lines = parts_->source->foreign;
    c.kmsg_lost = parts_->kmsg ? parts_->kmsg->lost() : 0;
    c.netlink_overruns = parts_->nftrace ? parts_->nftrace->overruns() : 0;
    c.rules = parts_->rules.size();
    c.tables = parts_->table ? 1 : 0;
    return c;
}

std::string filter_text(const filters::FilterFlags& o) {
    std::string text;
    auto add = [&](const char* flag, const std::string& value) {
        if (!value.empty()) text += std::string(text.empty() ? "" : " ") + flag + " " + value;
    };
    add("-s", o.saddr);
    add("-d", o.daddr);
    add("--addr", o.addr);
    add("-S", o.sport);
    add("-D", o.dport);
    add("-P", o.port);
    add("-p", o.proto);
    return text.empty() ? "every packet" : text;
}

}  // namespace ftnt::netfilter
