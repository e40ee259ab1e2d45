#include "modes/netfilter_mode.h"

#include <net/if.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_map>

#include "core/errors.h"
#include "core/stop_signal.h"
#include "decode/packet_tuple.h"
#include "discover/kernel_env.h"
#include "discover/netns.h"
#include "ftnettrace/packet_filter.h"
#include "netfilter/backend.h"
#include "netfilter/command.h"
#include "netfilter/iptables_rules.h"
#include "netfilter/kmsg_reader.h"
#include "netfilter/match_args.h"
#include "netfilter/namespace.h"
#include "netfilter/nft_table.h"
#include "netfilter/nft_trace_decode.h"
#include "netfilter/nftrace_reader.h"
#include "netfilter/rule_lookup.h"
#include "netfilter/rule_text.h"
#include "netfilter/run_state.h"
#include "netfilter/step_output.h"
#include "netfilter/sysctl_setting.h"

namespace ftnt {
namespace {

using namespace netfilter;
using Clock = std::chrono::steady_clock;

void refuse_flags_that_do_not_apply(const Options& o) {
    auto refuse = [](bool given, const char* flag) {
        if (given)
            throw UsageError(std::string(flag) +
                             " does not apply to --iptables-trace/--log-invalid (rules match "
                             "-s -d --addr -S -D -P -p and --netns)");
    };
    refuse(o.pid != 0, "--pid");
    refuse(!o.pkt_len.empty(), "--pkt-len");
    refuse(!o.tcp_flags.empty(), "--tcp-flags");
    refuse(o.icmp_id >= 0, "--icmp-id");
    refuse(!o.reasons.empty() || !o.exclude_reasons.empty(), "--reason/--exclude-reason");
    refuse(o.summary, "--summary");
    refuse(o.drop_stack, "--drop-stack");
    if (o.netns_current && !o.netns.empty())
        throw UsageError("--netns and --netns-current exclude each other");
}

filters::PacketFilter parse_filter(const Options& o) {
    try {
        return filters::parse_packet_filter(
            {o.saddr, o.daddr, o.addr, o.sport, o.dport, o.port, o.protocols});
    } catch (const filters::FilterError& error) {
        throw UsageError(error.what());
    }
}

uint64_t monotonic_now_ns() {
    timespec now;
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000ull +
           static_cast<uint64_t>(now.tv_nsec);
}

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

struct RunCounts {
    uint64_t steps = 0, invalid = 0, kmsg_lost = 0, netlink_overruns = 0;
    std::size_t rules = 0, tables = 0;
};

class Pipeline {
  public:
    Pipeline(const Options& options, const filters::PacketFilter& filter, StepOutput& output,
             bool legacy_trace, bool log_invalid, bool nft_trace)
        : options_(options),
          filter_(filter),
          output_(output),
          legacy_trace_(legacy_trace),
          log_invalid_(log_invalid),
          nft_trace_(nft_trace) {
        interfaces_.load();
    }

    void on_kmsg(const KmsgRecord& record) {
        if (legacy_trace_) {
            if (auto line = parse_trace_line(record.message)) {
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
                show(step);
                return;
            }
        }
        if (log_invalid_) {
            if (auto packet = parse_prefixed_log(record.message, kInvalidPrefix)) {
                if (!ours(*packet)) return;
                if (options_.count && shown() >= options_.count) return;
                output_.invalid({record.time_us * 1000, *packet});
                ++counts.invalid;
            }
        }
    }

    void on_nftrace(const NftTraceEvent& event) {
        if (!nft_trace_ || event.table.starts_with(kNftTablePrefix)) return;
        TraceStep step;
        step.time_ns = monotonic_now_ns();
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
        show(step);
    }

    uint64_t shown() const { return counts.steps + counts.invalid; }
    RunCounts counts;

  private:
    bool ours(const PacketInfo& packet) {
        if (!packet.tuple) return false;
        if (!filter_.empty() && !filter_.matches(to_facts(*packet.tuple))) return false;
        return interfaces_.contains(packet.in) && interfaces_.contains(packet.out);
    }
    void show(const TraceStep& step) {
        if (options_.count && shown() >= options_.count) return;
        output_.step(step);
        ++counts.steps;
    }

    const Options& options_;
    const filters::PacketFilter& filter_;
    StepOutput& output_;
    bool legacy_trace_, log_invalid_, nft_trace_;
    RuleBook book_;
    InterfaceNames interfaces_;
    TraceIdPackets packets_;
};

std::string filter_text(const Options& o) {
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
    add("-p", o.protocols);
    return text.empty() ? "every packet" : text;
}

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

std::string lost_text(const RunCounts& c) {
    std::ostringstream out;
    out << c.kmsg_lost << " kernel log records lost, " << c.netlink_overruns
        << " trace socket overruns";
    return out.str();
}

}  // namespace

int run_netfilter_mode(const Options& options) {
    require_root();
    refuse_flags_that_do_not_apply(options);
    auto filter = parse_filter(options);
    auto matches = expand_filter(filter);
    NetnsTarget target = resolve_netns(options.netns);
    const int pid = static_cast<int>(::getpid());
    auto start = Clock::now();
    RunCounts counts;
    {
        StopSignal stop;
        RunState state(pid, target.inode, target.path);
        std::vector<std::unique_ptr<SysctlSetting>> sysctls;
        Backends backends;
        {
            NetnsEnter look(target);
            backends = detect_backends();
        }
        bool legacy_trace = options.iptables_trace && backends.legacy;
        bool nft_trace = options.iptables_trace && backends.nft;
        bool invalid_legacy = options.log_invalid && backends.legacy;
        bool need_kmsg = legacy_trace || options.log_invalid;
        // nf_log_all_netns exists in the initial namespace only: set it from there.
        if (need_kmsg && !target.is_init)
            sysctls.push_back(std::make_unique<SysctlSetting>(
                state, current_netns_inode(), "net/netfilter/nf_log_all_netns", "1", std::cerr));
        NetnsEnter enter(target);
        if (need_kmsg) {
            bool v4 = false, v6 = false;
            for (const auto& m : matches) (m.family == 4 ? v4 : v6) = true;
            if (v4) bind_logger(state, target.inode, 2, "nf_log_ipv4", sysctls);
            if (v6) bind_logger(state, target.inode, 10, "nf_log_ipv6", sysctls);
        }
        // Readers first, rules after: no step of a matching packet is missed.
        std::optional<KmsgReader> kmsg;
        if (need_kmsg) kmsg.emplace();
        std::optional<NftraceReader> nftrace;
        if (nft_trace) nftrace.emplace();

        RuleList rules;
        std::optional<NftTable> table;
        std::vector<std::string> what;
        if (legacy_trace) {
            add_trace_rules(legacy_tool(), matches, pid, rules);
            what.push_back("iptables-legacy TRACE (" + std::to_string(rules.size()) +
                           " rules in raw PREROUTING/OUTPUT)");
        }
        if (invalid_legacy) {
            auto before = rules.size();
            add_log_invalid_rules(legacy_tool(), matches, pid, rules);
            what.push_back("iptables-legacy LOG of ctstate INVALID (" +
                           std::to_string(rules.size() - before) + " rules in filter)");
        }
        bool invalid_nft = options.log_invalid && !invalid_legacy;
        if (nft_trace || invalid_nft) {
            if (backends.nft_cli) {
                table.emplace(pid, nft_trace ? matches : std::vector<RuleMatch>{},
                              invalid_nft ? matches : std::vector<RuleMatch>{});
                what.push_back(std::string(nft_trace ? "nf_tables trace" : "") +
                               (nft_trace && invalid_nft ? " and " : "") +
                               (invalid_nft ? "LOG of ct state invalid" : "") + " (table inet " +
                               table->name() + ")");
            } else {
                auto before = rules.size();
                if (nft_trace) add_trace_rules(nft_compat_tool(), matches, pid, rules);
                if (invalid_nft) add_log_invalid_rules(nft_compat_tool(), matches, pid, rules);
                what.push_back("iptables-nft rules (" + std::to_string(rules.size() - before) +
                               ", no nft command)");
            }
        }
        counts.rules = rules.size();
        counts.tables = table ? 1 : 0;

        TimeFormat time{options.wall_clock, measure_monotonic_to_realtime()};
        auto output = options.output == OutputKind::Json ? make_step_json_output(std::cout, time)
                                                         : make_step_text_output(std::cout, time);
        Pipeline pipeline(options, filter, *output, legacy_trace, options.log_invalid, nft_trace);
        std::string joined;
        for (const auto& w : what) joined += (joined.empty() ? "" : ", ") + w;
        std::cerr << "ftnettrace: tracing netfilter for " << filter_text(options) << " in netns "
                  << target.label << " (" << target.inode << "): " << joined << " [" << backends.why
                  << "]; Ctrl-C to stop\n";

        auto on_kmsg = [&](const KmsgRecord& record) { pipeline.on_kmsg(record); };
        auto on_event = [&](const NftTraceEvent& event) { pipeline.on_nftrace(event); };
        while (!stop.requested()) {
            pollfd fds[3] = {{stop.wake_fd(), POLLIN, 0},
                             {kmsg ? kmsg->fd() : -1, POLLIN, 0},
                             {nftrace ? nftrace->fd() : -1, POLLIN, 0}};
            ::poll(fds, 3, 200);
            if (kmsg) kmsg->drain(on_kmsg);
            if (nftrace) nftrace->drain(on_event);
            if (options.count && pipeline.shown() >= options.count) stop.request();
            if (options.duration_seconds > 0 &&
                std::chrono::duration<double>(Clock::now() - start).count() >=
                    options.duration_seconds)
                stop.request();
        }
        // What arrived before the stop still counts.
        if (kmsg) kmsg->drain(on_kmsg);
        if (nftrace) nftrace->drain(on_event);
        std::cout.flush();
        counts.steps = pipeline.counts.steps;
        counts.invalid = pipeline.counts.invalid;
        counts.kmsg_lost = kmsg ? kmsg->lost() : 0;
        counts.netlink_overruns = nftrace ? nftrace->overruns() : 0;
        // Teardown: rules and table (in the target namespace), then the namespace, then the
        // sysctls, then the state file, in reverse order of declaration.
    }
    std::cerr << "ftnettrace: " << counts.steps << " trace steps and " << counts.invalid
              << " invalid packets shown, " << lost_text(counts) << ", " << counts.rules
              << " rules and " << counts.tables << " tables removed, " << std::fixed
              << std::setprecision(2) << std::chrono::duration<double>(Clock::now() - start).count()
              << " s\n";
    return kExitOk;
}

}  // namespace ftnt
