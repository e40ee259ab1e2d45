// The command line, parsed with CLI11 into plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ftnt {

enum class Mode {
    None,
    Path,
    Check,
    Drop,
    Cleanup,
    Faddr2line,
    IptablesTrace,
    Reset,
    Monitor,
    Sock
};
enum class OutputKind { Text, Json };

struct Options {
    Mode mode = Mode::None;
    bool drop =
        false;  // --sock: events of sockets whose rtt/srtt (ms) is at least this; of this TCP state
    double tcp_rtt_ms = 0, tcp_srtt_ms = 0;
    std::string tcp_state;  // the kernel's name, "TCP_ESTABLISHED"
    // --drop
    bool cleanup = false;         // --cleanup
    bool reset = false;           // --reset: every TCP reset, who sent it and why
    bool sock = false;            // --sock: the socket view, one record per socket event
    bool iptables_trace = false;  // --iptables-trace
    bool log_invalid = false;     // --log-invalid (alone or with --iptables-trace)
    bool steps_only = false;      // --steps-only: firewall steps alone, not joined to paths
    bool monitor = false;         // --monitor: counts as Prometheus metrics
    std::string metrics_file;     // --metrics-file PATH (textfile collector)
    std::string metrics_listen;   // --metrics-listen ADDR:PORT (HTTP GET /metrics)
    // Packet filters shared by the modes (raw text; filters/ parses and checks them).
    std::string saddr, daddr, addr;  // -s -d --addr
    std::string sport, dport, port;  // -S -D -P
    std::string netns;               // --netns: inode, name under /run/netns, or pid
    bool netns_current = false;      // --netns-current
    uint32_t pid = 0;                // --pid
    std::string pkt_len;             // --pkt-len N or N-M
    std::string tcp_flags;           // --tcp-flags SAPRF letters
    int icmp_id = -1;                // --icmp-id
    // path tracing (the default mode)
    bool check = false;  // --check
    std::string trace;   // -t/--trace GROUP|FUNC[,...]
    bool basic = false;
    bool detail = false;
    bool returns = false;           // --ret
    bool hooks = false;             // --hooks: nf_hook_slow's hook functions
    bool follow_in_kernel = false;  // --follow-in-kernel: hist triggers follow filtered skbs
    std::string trace_stack;        // --trace-stack FUNC[,...]
    double min_latency_ms = 0;
    std::vector<std::string> kprobes;            // --kprobe 'FUNC [name=FETCHARG ...]'
    std::vector<std::string> kretprobes;         // --kretprobe FUNC
    std::string btf;                             // --btf FILE
    std::string vmlinux;                         // --vmlinux FILE (DWARF)
    std::vector<std::string> faddr2line_inputs;  // faddr2line FUNC+0xOFF ...
    // --diag: judge each packet (judge/); --diag-quiet, --diag-keep and --rules imply it
    bool diag = false;
    bool diag_quiet = false;  // only packets with a WARN or ERROR finding
    bool diag_keep = false;   // go on after the first packet with an ERROR
    std::string rules_dir;    // --rules DIR: the user's diag rule files
    // --drop
    std::string reasons;          // --reason
    std::string exclude_reasons;  // --exclude-reason
    std::string protocols;        // --proto
    bool drop_stack = false;
    bool summary = false;
    double interval_seconds = 0;
    // run control
    uint64_t count = 0;
    double duration_seconds = 0;
    OutputKind output = OutputKind::Text;
    bool wall_clock = false;
    std::string pcapng_path;  // -w FILE: packet bytes and comments as pcapng
    uint32_t snaplen = 0;     // --snaplen N: bytes kept of each packet (0: all fetched)
    std::size_t ring_pages = 1024;
    // data
    std::string catalog_dir;
};

struct ParseResult {
    std::optional<Options> options;  // empty: exit with exit_code (help, version, bad input)
    int exit_code = 0;
};

ParseResult parse_command_line(int argc, char** argv);

}  // namespace ftnt
