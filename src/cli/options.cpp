#include "cli/options.h"

#include <CLI/CLI.hpp>

#include <iostream>
#include <map>

#include "core/errors.h"

namespace ftnt {
namespace {

constexpr const char* kVersion = "ftnettrace 0.1.0";

bool is_power_of_two(std::size_t n) {
    return n && !(n & (n - 1));
}

void add_drop_options(CLI::App& app, Options& o) {
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
    app.add_option("--interval", o.interval_seconds, "With --summary: print every SEC seconds")
        ->check(CLI::PositiveNumber);
}

void add_filter_options(CLI::App& app, Options& o) {
    app.add_option("-s,--saddr", o.saddr, "Source address (IPv4 or IPv6)");
    app.add_option("-d,--daddr", o.daddr, "Destination address");
    app.add_option("--addr", o.addr, "Source or destination address");
    app.add_option("-S,--sport", o.sport, "Source port");
    app.add_option("-D,--dport", o.dport, "Destination port");
    app.add_option("-P,--port", o.port, "Source or destination port");
    app.add_option("--netns", o.netns, "Network namespace: inode, name under /run/netns, or pid");
    app.add_flag("--netns-current", o.netns_current,
                 "Only the network namespace ftnettrace runs in");
    app.add_option("--pid", o.pid, "Only events in this process's context");
    app.add_option("--pkt-len", o.pkt_len, "Only packets of this length, N or N-M bytes");
    app.add_option("--tcp-flags", o.tcp_flags,
                   "Only TCP packets with these flags set (letters SAPRFU)")
        ->check([](const std::string& text) {
            return text.find_first_not_of("SAPRFU") == std::string::npos
                       ? std::string()
                       : std::string("letters S A P R F U only");
        });
    app.add_option("--icmp-id", o.icmp_id, "Only ICMP packets with this echo id")
        ->check(CLI::Range(0, 65535));
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

void add_path_options(CLI::App& app, Options& o) {
    app.add_flag("--check", o.check, "Show what this kernel can trace and where offsets come from");
    app.add_option("-t,--trace", o.trace, "Probe groups or functions: link-in,ip-in,tcp-in,...");
    app.add_flag("--basic", o.basic, "Print each event as it comes instead of whole packets");
    app.add_flag("--detail", o.detail, "Add cpu, pid, comm and skb address to each event");
    app.add_flag("--ret", o.returns, "Add return values (kretprobes)");
    app.add_flag("--hooks", o.hooks,
                 "At nf_hook_slow: the hook functions registered on that hook, and which "
                 "family and hook it is");
    app.add_option("--trace-stack", o.trace_stack, "Kernel stack at these functions (FUNC[,FUNC])");
    app.add_option("--min-latency", o.min_latency_ms, "Only packets that lived longer than MS")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--kprobe", o.kprobes, "Also probe FUNC ['name=FETCHARG ...'] (repeatable)");
    app.add_option("--kretprobe", o.kretprobes, "Also probe FUNC's return (repeatable)");
    app.add_option("--btf", o.btf, "BTF file for struct offsets (default /sys/kernel/btf/vmlinux)")
        ->check(CLI::ExistingFile);
    app.add_option("--vmlinux", o.vmlinux,
                   "vmlinux with DWARF: source lines, and struct offsets without BTF")
        ->check(CLI::ExistingFile);
}

void add_run_options(CLI::App& app, Options& o) {
    app.add_option("-c,--count", o.count, "Stop after N events shown")->check(CLI::PositiveNumber);
    app.add_option("--duration", o.duration_seconds, "Stop after SEC seconds")
        ->check(CLI::PositiveNumber);
    static const std::map<std::string, OutputKind> kOutputs = {{"text", OutputKind::Text},
                                                               {"json", OutputKind::Json}};
    app.add_option("-o,--output", o.output, "Output format: text or json")
        ->transform(CLI::CheckedTransformer(kOutputs, CLI::ignore_case));
    app.add_flag("--date", o.wall_clock,
                 "Print wall-clock date and time instead of monotonic seconds");
    app.add_option("--ring-pages", o.ring_pages, "perf ring data pages per CPU (power of two)")
        ->check([](const std::string& text) {
            std::size_t n = std::stoul(text);
            return is_power_of_two(n) ? std::string() : std::string("must be a power of two");
        });
    app.add_option("--catalog", o.catalog_dir, "Directory of probe catalog files (*.def)")
        ->check(CLI::ExistingDirectory);
    app.add_flag("--cleanup", o.cleanup,
                 "Remove what a killed ftnettrace run left in the kernel, and say what");
}

}  // namespace

ParseResult parse_command_line(int argc, char** argv) {
    Options o;
    CLI::App app{"ftnettrace: where and why the kernel drops your packets, without BPF",
                 "ftnettrace"};
    app.set_version_flag("-V,--version", kVersion);
    add_drop_options(app, o);
    add_filter_options(app, o);
    add_path_options(app, o);
    add_netfilter_options(app, o);
    add_run_options(app, o);
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
        std::cerr << "ftnettrace: " << e.what() << "\n";
        return {std::nullopt, kExitUsage};
    }
    int modes =
        (o.drop ? 1 : 0) + (o.cleanup ? 1 : 0) + (o.check ? 1 : 0) + (faddr->parsed() ? 1 : 0);
    bool netfilter = o.iptables_trace || o.log_invalid;
    modes += netfilter ? 1 : 0;
    if (modes > 1) {
        std::cerr << "ftnettrace: choose one of --drop, --check, --cleanup, faddr2line, "
                     "--iptables-trace/--log-invalid\n";
        return {std::nullopt, kExitUsage};
    }
    o.mode = Mode::Path;  // the default: follow packets through the kernel
    if (o.drop) o.mode = Mode::Drop;
    if (o.cleanup) o.mode = Mode::Cleanup;
    if (o.check) o.mode = Mode::Check;
    if (faddr->parsed()) o.mode = Mode::Faddr2line;
    if (netfilter) o.mode = Mode::IptablesTrace;
    if (o.steps_only && !netfilter) {
        std::cerr << "ftnettrace: --steps-only goes with --iptables-trace or --log-invalid\n";
        return {std::nullopt, kExitUsage};
    }
    if (o.interval_seconds > 0 && !o.summary) {
        std::cerr << "ftnettrace: --interval goes with --summary\n";
        return {std::nullopt, kExitUsage};
    }
    return {o, kExitOk};
}

}  // namespace ftnt
