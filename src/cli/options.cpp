#include "cli/options.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>
#include <set>

#include "cli/mode_options.h"
#include "cli/values.h"
#include "core/errors.h"

namespace ftnt {
namespace {

constexpr const char* kVersion = "ftnettrace 0.1.0";

// Number-valued flags are taken as text and converted by cli/values after parsing: CLI11's
// own conversions accept nan, inf and 1e-9, and a failed one aborted (std::stoul).
struct NumberTexts {
    std::string interval, pid, icmp_id, min_latency, count, duration, ring_pages, snaplen;
    std::string tcp_rtt, tcp_srtt;
    std::set<std::string> given;  // long names of the options on the command line
    bool has(const char* flag) const { return given.count(flag) > 0; }
};

bool is_power_of_two(uint64_t n) {
    return n && !(n & (n - 1));
}

void add_drop_options(CLI::App& app, Options& o, NumberTexts& n) {
    app.add_flag("--drop", o.drop, "Show every packet the kernel drops: reason, location, tuple");
    app.add_option("--reason", o.reasons,
                   "Only these drop reasons (NAME[,NAME], names of this kernel)");
    app.add_option("--exclude-reason", o.exclude_reasons, "Hide these drop reasons (NAME[,NAME])");
    app.add_option(
        "-p,--proto", o.protocols,
        "Only these protocols: ip,ipv6,arp,... (in the kernel) or tcp,udp,icmp (by tuple)");
    app.add_flag("--drop-stack", o.drop_stack, "Print the kernel call chain of each drop");
    app.add_flag("--summary", o.summary,
                 "Count drops by reason and location instead of listing them");
    app.add_option("--interval", n.interval,
                   "With --summary: print every SEC seconds; with --monitor: rewrite "
                   "--metrics-file every SEC seconds (default 15)");
    app.add_flag("--monitor", o.monitor,
                 "Count drops, TCP resets, retransmits and lost events as Prometheus metrics");
    app.add_option("--metrics-file", o.metrics_file,
                   "With --monitor: write the metrics to PATH (atomic rewrite, for "
                   "node_exporter's textfile collector)");
    app.add_option("--metrics-listen", o.metrics_listen,
                   "With --monitor: serve HTTP GET /metrics on ADDR:PORT (PORT alone: "
                   "127.0.0.1)");
    app.add_flag("--reset", o.reset,
                 "Show every TCP reset sent or received: tuple, process, state, reason, stack, "
                 "cause");
    app.add_flag("--sock", o.sock,
                 "Show socket events: TCP state changes, retransmits, resets, srtt, cwnd");
    app.add_option("--tcp-rtt", n.tcp_rtt, "With --sock: only sockets whose rtt is at least MS");
    app.add_option("--tcp-srtt", n.tcp_srtt, "With --sock: only sockets whose srtt is at least MS");
    app.add_option("--tcp-state", o.tcp_state,
                   "With --sock: only events entering or leaving this state (TCP_ESTABLISHED...)");
}

void add_filter_options(CLI::App& app, Options& o, NumberTexts& n) {
    app.add_option("-s,--saddr", o.saddr, "Source address (IPv4 or IPv6)");
    app.add_option("-d,--daddr", o.daddr, "Destination address");
    app.add_option("--addr", o.addr, "Source or destination address");
    app.add_option("-S,--sport", o.sport, "Source port");
    app.add_option("-D,--dport", o.dport, "Destination port");
    app.add_option("-P,--port", o.port, "Source or destination port");
    app.add_option("--netns", o.netns, "Network namespace: inode, name under /run/netns, or pid");
    app.add_flag("--netns-current", o.netns_current,
                 "Only the network namespace ftnettrace runs in");
    app.add_option("--pid", n.pid, "Only events in this process's context");
    app.add_option("--pkt-len", o.pkt_len, "Only packets of this length, N or N-M bytes");
    app.add_option("--tcp-flags", o.tcp_flags,
                   "Only TCP packets with these flags set (letters SAPRFU)");
    app.add_option("--icmp-id", n.icmp_id, "Only ICMP packets with this echo id");
}

void add_netfilter_options(CLI::App& app, Options& o) {
    app.add_flag("--iptables-trace", o.iptables_trace,
                 "Set up iptables/nft TRACE rules for the filter and show table:chain:rule "
                 "verdicts");
    app.add_flag("--log-invalid", o.log_invalid,
                 "Add a rate-limited LOG rule for ctstate INVALID and show what it logs");
    app.add_flag("--steps-only", o.steps_only,
                 "With --iptables-trace: print the firewall steps on their own instead of "
                 "joining them to each packet's path (the default where kprobes exist)");
}

void add_path_options(CLI::App& app, Options& o, NumberTexts& n) {
    app.add_flag("--check", o.check, "Show what this kernel can trace and where offsets come from");
    app.add_option("-t,--trace", o.trace, "Probe groups or functions: link-in,ip-in,tcp-in,...");
    app.add_flag("--basic", o.basic, "Print each event as it comes instead of whole packets");
    app.add_flag("--detail", o.detail, "Add cpu, pid, comm and skb address to each event");
    app.add_flag("--ret", o.returns, "Add return values (kretprobes)");
    app.add_flag("--follow-in-kernel", o.follow_in_kernel,
                 "Experimental: with a filter, follow the filtered packets to their free with "
                 "hist triggers (6.1+) so other packets' frees never reach user space (see the "
                 "README: a 6.1 guest soft-locked once with it)");
    app.add_flag_callback(
        "--no-follow-in-kernel", [&o] { o.follow_in_kernel = false; },
        "Read every packet's free in user space (the default)");
    app.add_flag("--hooks", o.hooks,
                 "At nf_hook_slow: the hook functions registered on that hook, and which "
                 "family and hook it is");
    app.add_option("--trace-stack", o.trace_stack, "Kernel stack at these functions (FUNC[,FUNC])");
    app.add_option("--min-latency", n.min_latency, "Only packets that lived longer than MS");
    app.add_option("--kprobe", o.kprobes, "Also probe FUNC ['name=FETCHARG ...'] (repeatable)");
    app.add_option("--kretprobe", o.kretprobes, "Also probe FUNC's return (repeatable)");
    app.add_flag("--diag", o.diag,
                 "Judge each packet: an ANALYSIS RESULT with findings, level and fix advice; "
                 "stops after the first packet with an ERROR");
    app.add_flag("--diag-quiet", o.diag_quiet,
                 "With --diag: show only packets with a WARN or ERROR");
    app.add_flag("--diag-keep", o.diag_keep, "With --diag: go on after a packet with an ERROR");
    app.add_option("--rules", o.rules_dir,
                   "With --diag: a directory of your own rule files (*.def)")
        ->check(CLI::ExistingDirectory);
    app.add_option("--btf", o.btf, "BTF file for struct offsets (default /sys/kernel/btf/vmlinux)")
        ->check(CLI::ExistingFile);
    app.add_option("--vmlinux", o.vmlinux,
                   "vmlinux with DWARF: source lines, and struct offsets without BTF")
        ->check(CLI::ExistingFile);
}

void add_run_options(CLI::App& app, Options& o, NumberTexts& n) {
    app.add_option("-c,--count", n.count, "Stop after N events shown");
    app.add_option("--duration", n.duration, "Stop after SEC seconds");
    static const std::map<std::string, OutputKind> kOutputs = {{"text", OutputKind::Text},
                                                               {"json", OutputKind::Json}};
    app.add_option("-o,--output", o.output, "Output format: text or json")
        ->transform(CLI::CheckedTransformer(kOutputs, CLI::ignore_case));
    app.add_flag("--date", o.wall_clock,
                 "Print wall-clock date and time instead of monotonic seconds");
    app.add_option("-w,--write", o.pcapng_path,
                   "Also write the packet bytes the probes fetched to FILE (pcapng)");
    app.add_option("--snaplen", n.snaplen, "With -w: keep at most N bytes of each packet");
    app.add_option("--ring-pages", n.ring_pages, "perf ring data pages per CPU (power of two)");
    app.add_option("--catalog", o.catalog_dir, "Directory of probe catalog files (*.def)")
        ->check(CLI::ExistingDirectory);
    app.add_flag("--cleanup", o.cleanup,
                 "Remove what a killed ftnettrace run left in the kernel, and say what");
}

// Each number and list checked strictly; throws UsageError naming the flag and the form.
void convert_values(const NumberTexts& n, Options& o) {
    constexpr uint64_t kMaxU32 = 0xffffffffull;
    constexpr double kYearSeconds = 366.0 * 24 * 3600;
    if (n.has("--count")) o.count = parse_whole_number(n.count, "--count", 1, UINT64_MAX / 2);
    if (n.has("--duration"))
        o.duration_seconds = parse_decimal(n.duration, "--duration", 0.001, kYearSeconds);
    if (n.has("--interval"))
        o.interval_seconds = parse_decimal(n.interval, "--interval", 0.1, kYearSeconds);
    if (n.has("--min-latency"))
        o.min_latency_ms = parse_decimal(n.min_latency, "--min-latency", 0, kYearSeconds * 1000);
    // srtt is kept in microseconds in a u32 (tcp_sock.srtt_us): at most about 71 minutes.
    if (n.has("--tcp-rtt")) o.tcp_rtt_ms = parse_decimal(n.tcp_rtt, "--tcp-rtt", 0.001, 1e6);
    if (n.has("--tcp-srtt")) o.tcp_srtt_ms = parse_decimal(n.tcp_srtt, "--tcp-srtt", 0.001, 1e6);
    if (n.has("--pid"))
        o.pid = static_cast<uint32_t>(parse_whole_number(n.pid, "--pid", 1, 4194304));
    if (n.has("--icmp-id"))
        o.icmp_id = static_cast<int>(parse_whole_number(n.icmp_id, "--icmp-id", 0, 65535));
    if (n.has("--ring-pages")) {
        auto pages = parse_whole_number(n.ring_pages, "--ring-pages", 1, 1u << 16);
        if (!is_power_of_two(pages))
            throw UsageError("--ring-pages: '" + shown_value(n.ring_pages) +
                             "' is not a power of two from 1 to 65536");
        o.ring_pages = static_cast<std::size_t>(pages);
    }
    if (n.has("--snaplen"))
        o.snaplen = static_cast<uint32_t>(parse_whole_number(n.snaplen, "--snaplen", 1, 262144));
    if (n.has("--write") && o.pcapng_path.empty())
        throw UsageError("--write: '' is not a file name");
    if (n.has("--pkt-len")) parse_range(o.pkt_len, "--pkt-len", kMaxU32);
    if (n.has("--tcp-flags") &&
        (o.tcp_flags.empty() || o.tcp_flags.find_first_not_of("SAPRFU") != std::string::npos))
        throw UsageError("--tcp-flags: '" + shown_value(o.tcp_flags) +
                         "' is not letters of S A P R F U");
    if (n.has("--netns") && o.netns.empty())
        throw UsageError("--netns: '' is not an inode, a pid or a name under /run/netns");
    if (!o.netns.empty() && o.netns.find_first_not_of("0123456789") == std::string::npos)
        parse_whole_number(o.netns, "--netns", 1, kMaxU32);
    for (auto [text, flag] :
         {std::pair{&o.reasons, "--reason"}, std::pair{&o.exclude_reasons, "--exclude-reason"},
          std::pair{&o.protocols, "--proto"}, std::pair{&o.trace, "--trace"},
          std::pair{&o.trace_stack, "--trace-stack"}})
        if (n.has(flag)) parse_name_list(*text, flag);
}

Mode mode_of(const Options& o, bool faddr2line) {
    if (o.drop) return Mode::Drop;
    if (o.reset) return Mode::Reset;
    if (o.monitor) return Mode::Monitor;
    if (o.sock) return Mode::Sock;
    if (o.cleanup) return Mode::Cleanup;
    if (o.check) return Mode::Check;
    if (faddr2line) return Mode::Faddr2line;
    if (o.iptables_trace || o.log_invalid) return Mode::IptablesTrace;
    return Mode::Path;  // the default: follow packets through the kernel
}

// Every option given must be one the chosen mode takes (cli/mode_options).
void refuse_options_of_other_modes(const CLI::App& app, Mode mode) {
    for (const CLI::Option* option : app.get_options())
        if (option->count() > 0)
            if (auto refusal = refusal_for(mode, option->get_name())) throw UsageError(*refusal);
}

}  // namespace

ParseResult parse_command_line(int argc, char** argv) {
    Options o;
    NumberTexts n;
    CLI::App app{"ftnettrace: where and why the kernel drops your packets, without BPF",
                 "ftnettrace"};
    app.set_version_flag("-V,--version", kVersion);
    add_drop_options(app, o, n);
    add_filter_options(app, o, n);
    add_path_options(app, o, n);
    add_netfilter_options(app, o);
    add_run_options(app, o, n);
    auto* faddr = app.add_subcommand(
        "faddr2line", "Source lines of FUNC+0xOFF[/0xSIZE] or 0xADDR, as scripts/faddr2line");
    faddr->add_option("--vmlinux", o.vmlinux, "vmlinux with DWARF")->check(CLI::ExistingFile);
    faddr->add_option("address", o.faddr2line_inputs, "FUNC+0xOFF[/0xSIZE] or 0xADDR")->required();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return {std::nullopt, app.exit(e)};
    } catch (const CLI::CallForVersion& e) {
        return {std::nullopt, app.exit(e)};
    } catch (const CLI::ParseError& e) {
        std::cerr << "ftnettrace: " << shown_value(e.what(), 300) << "\n";
        return {std::nullopt, kExitUsage};
    }
    int modes = (o.drop ? 1 : 0) + (o.cleanup ? 1 : 0) + (o.check ? 1 : 0) +
                (faddr->parsed() ? 1 : 0) + (o.reset ? 1 : 0) + (o.monitor ? 1 : 0) +
                (o.sock ? 1 : 0);
    bool netfilter = o.iptables_trace || o.log_invalid;
    modes += netfilter ? 1 : 0;
    if (modes > 1) {
        std::cerr << "ftnettrace: choose one of --drop, --reset, --sock, --monitor, --check, "
                     "--cleanup, faddr2line, --iptables-trace/--log-invalid\n";
        return {std::nullopt, kExitUsage};
    }
    o.mode = mode_of(o, faddr->parsed());
    try {
        for (const CLI::Option* option : app.get_options())
            if (option->count() > 0) n.given.insert(option->get_name());
        refuse_options_of_other_modes(app, o.mode);
        convert_values(n, o);
        refuse_netns_twice(o);
        if (o.steps_only) refuse_path_flags_without_paths(o);
    } catch (const UsageError& error) {
        std::cerr << "ftnettrace: " << error.what() << "\n";
        return {std::nullopt, kExitUsage};
    }
    o.diag = o.diag || o.diag_quiet || o.diag_keep || !o.rules_dir.empty();
    if (o.diag && o.basic) {
        std::cerr << "ftnettrace: --diag judges whole packets, not the events of --basic\n";
        return {std::nullopt, kExitUsage};
    }
    if (o.snaplen && o.pcapng_path.empty()) {
        std::cerr << "ftnettrace: --snaplen goes with -w FILE\n";
        return {std::nullopt, kExitUsage};
    }
    if (o.summary && !o.pcapng_path.empty()) {
        std::cerr << "ftnettrace: -w writes packets, --summary shows none: choose one\n";
        return {std::nullopt, kExitUsage};
    }
    if (o.interval_seconds > 0 && !o.summary && !o.monitor) {
        std::cerr << "ftnettrace: --interval goes with --summary or --monitor\n";
        return {std::nullopt, kExitUsage};
    }
    return {o, kExitOk};
}

}  // namespace ftnt
