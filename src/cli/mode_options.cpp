#include "cli/mode_options.h"

#include <cstdint>
#include <map>

#include "core/errors.h"

namespace ftnt {
namespace {

constexpr uint32_t bit(Mode mode) {
    return 1u << static_cast<uint32_t>(mode);
}

constexpr uint32_t kPath = bit(Mode::Path);
constexpr uint32_t kCheck = bit(Mode::Check);
constexpr uint32_t kDrop = bit(Mode::Drop);
constexpr uint32_t kCleanup = bit(Mode::Cleanup);
constexpr uint32_t kFirewall = bit(Mode::IptablesTrace);
constexpr uint32_t kReset = bit(Mode::Reset);
constexpr uint32_t kMonitor = bit(Mode::Monitor);
constexpr uint32_t kSock = bit(Mode::Sock);
// --iptables-trace joins steps to packet paths where kprobes exist: it takes the path's flags.
constexpr uint32_t kRunning = kPath | kDrop | kFirewall;
constexpr uint32_t kPathLike = kPath | kFirewall;

struct OptionModes {
    uint32_t modes;
    const char* why_not = "";  // said when refused, after the mode
};

const char* const kNotInKfreeSkb = ": skb:kfree_skb does not carry it";
// tcp:tcp_send_reset and tcp:tcp_receive_reset carry no network namespace.
const char* const kNotInResets = ": the reset tracepoints carry no network namespace";

const std::map<std::string, OptionModes>& table() {
    static const std::map<std::string, OptionModes> kTable = {
        {"--drop", {kDrop}},
        {"--reset", {kReset}},
        {"--monitor", {kMonitor}},
        {"--metrics-file", {kMonitor}},
        {"--metrics-listen", {kMonitor}},
        {"--sock", {kSock}},
        {"--tcp-rtt", {kSock}},
        {"--tcp-srtt", {kSock}},
        {"--tcp-state", {kSock}},
        {"--reason", {kDrop | kMonitor}},
        {"--exclude-reason", {kDrop | kMonitor}},
        {"--proto", {kRunning}},
        {"--drop-stack", {kDrop}},
        {"--summary", {kDrop}},
        {"--interval", {kDrop | kMonitor}},
        {"--saddr", {kRunning | kReset | kSock}},
        {"--daddr", {kRunning | kReset | kSock}},
        {"--addr", {kRunning | kReset | kSock}},
        {"--sport", {kRunning | kReset | kSock}},
        {"--dport", {kRunning | kReset | kSock}},
        {"--port", {kRunning | kReset | kSock}},
        {"--netns", {kPathLike | kSock, kNotInKfreeSkb}},
        {"--netns-current", {kPathLike | kSock, kNotInKfreeSkb}},
        {"--pid", {kRunning | kReset | kSock}},
        {"--pkt-len", {kPathLike, kNotInKfreeSkb}},
        {"--tcp-flags", {kPathLike, kNotInKfreeSkb}},
        {"--icmp-id", {kPathLike, kNotInKfreeSkb}},
        {"--check", {kCheck}},
        {"--trace", {kPathLike | kSock}},
        {"--basic", {kPathLike}},
        {"--detail", {kPathLike}},
        {"--ret", {kPathLike}},
        {"--follow-in-kernel", {kPathLike}},
        {"--no-follow-in-kernel", {kPathLike}},
        {"--hooks", {kPathLike}},
        {"--trace-stack", {kPathLike}},
        {"--min-latency", {kPathLike}},
        {"--kprobe", {kPathLike}},
        {"--kretprobe", {kPathLike}},
        {"--diag", {kPathLike}},
        {"--diag-quiet", {kPathLike}},
        {"--diag-keep", {kPathLike}},
        {"--rules", {kPathLike}},
        {"--btf", {kPathLike | kReset | kCheck | kSock}},
        {"--vmlinux", {kRunning | kReset | kCheck | kMonitor | kSock}},
        {"--iptables-trace", {kFirewall}},
        {"--log-invalid", {kFirewall}},
        {"--steps-only", {kFirewall}},
        {"--count", {kRunning | kReset | kSock}},
        {"--duration", {kRunning | kReset | kMonitor | kSock}},
        {"--output", {kRunning | kReset | kCheck | kSock}},
        {"--date", {kRunning | kReset | kSock}},
        {"--ring-pages", {kRunning | kReset | kMonitor | kSock}},
        {"--write", {kPath | kDrop}},
        {"--snaplen", {kPath | kDrop}},
        {"--catalog", {kRunning | kReset | kCheck | kMonitor | kSock}},
        {"--cleanup", {kCleanup}},
    };
    return kTable;
}

std::string modes_text(uint32_t modes) {
    std::string text;
    for (Mode mode : {Mode::Path, Mode::Drop, Mode::Reset, Mode::Sock, Mode::IptablesTrace,
                      Mode::Check, Mode::Cleanup, Mode::Monitor})
        if (modes & bit(mode)) text += (text.empty() ? "" : ", ") + mode_label(mode);
    return text;
}

}  // namespace

std::string mode_label(Mode mode) {
    switch (mode) {
        case Mode::Path:
            return "path tracing (the default)";
        case Mode::Check:
            return "--check";
        case Mode::Drop:
            return "--drop";
        case Mode::Reset:
            return "--reset";
        case Mode::Monitor:
            return "--monitor";
        case Mode::Sock:
            return "--sock";
        case Mode::Cleanup:
            return "--cleanup";
        case Mode::Faddr2line:
            return "faddr2line";
        case Mode::IptablesTrace:
            return "--iptables-trace/--log-invalid";
        case Mode::None:
            break;
    }
    return "no mode";
}

void refuse_path_flags_without_paths(const Options& o) {
    constexpr const char* kWhy =
        " applies to packet paths (kprobes), not to firewall steps on their own "
        "(--steps-only, or a kernel without kprobes)";
    auto refuse_if = [&](bool given, const char* flag) {
        if (given) throw UsageError(std::string(flag) + kWhy);
    };
    refuse_if(o.pid != 0, "--pid");
    refuse_if(!o.pkt_len.empty(), "--pkt-len");
    refuse_if(!o.tcp_flags.empty(), "--tcp-flags");
    refuse_if(o.icmp_id >= 0, "--icmp-id");
    refuse_if(o.hooks, "--hooks");
}

void refuse_netns_twice(const Options& o) {
    if (o.netns_current && !o.netns.empty())
        throw UsageError("--netns and --netns-current exclude each other");
}

std::optional<std::string> refusal_for(Mode mode, const std::string& flag) {
    auto found = table().find(flag);
    if (found == table().end()) return std::nullopt;  // --help, --version: every mode
    const auto& row = found->second;
    if (row.modes & bit(mode)) return std::nullopt;
    std::string text = flag + " does not apply to " + mode_label(mode);
    if (mode == Mode::Drop && *row.why_not) return text + row.why_not;
    if (mode == Mode::Reset && (flag == "--netns" || flag == "--netns-current"))
        return text + kNotInResets;
    return text + " (it goes with: " + modes_text(row.modes) + ")";
}

}  // namespace ftnt
