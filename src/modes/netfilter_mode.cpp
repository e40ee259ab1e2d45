#include "modes/netfilter_mode.h"

#include <iomanip>
#include <iostream>
#include <sstream>

#include "cli/mode_options.h"
#include "cli/run_options.h"
#include "core/errors.h"
#include "core/stop_signal.h"
#include "discover/kernel_env.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "ftnettrace/packet_filter.h"
#include "modes/path_mode.h"
#include "netfilter/firewall_trace.h"
#include "netfilter/namespace.h"
#include "netfilter/run_state.h"
#include "plan/user_filter.h"
#include "run/step_pipeline.h"

namespace ftnt {
namespace {

using namespace netfilter;

std::string lost_text(const FirewallCounts& c) {
    std::ostringstream out;
    out << c.kmsg_lost << " kernel log records lost, " << c.netlink_overruns
        << " trace socket overruns, " << c.foreign_trace_lines
        << " TRACE lines of other namespaces dropped";
    return out.str();
}

// Without kprobes: the steps printed on their own, as they come.
int run_steps_alone(const Options& options) {
    refuse_path_flags_without_paths(options);
    auto filter = packet_filter_of(filter_flags_of(options));
    NetnsTarget target = resolve_netns(options.netns);
    FirewallCounts counts;
    OutputSink sink(STDOUT_FILENO);
    OutputEnd end;
    double seconds = 0;
    {
        StopSignal stop;
        RunState run_state(static_cast<int>(::getpid()));
        FirewallTrace firewall(run_state, firewall_options(options), filter, target);
        TimeFormat time{options.wall_clock, measure_monotonic_to_realtime()};
        auto output = make_output(
            options.output == OutputKind::Json ? OutputFormat::json : OutputFormat::text, sink,
            {time});
        std::cerr << "ftnettrace: tracing netfilter for " << filter_text(filter_flags_of(options))
                  << " in netns " << target.label << " (" << target.inode
                  << "): " << firewall.description() << "; Ctrl-C to stop\n";
        StepPipeline pipeline(firewall, *output, options.count);
        RunLoop loop(stop, sink, {options.duration_seconds});
        loop.run(nullptr, {firewall.kmsg_fd(), firewall.nftrace_fd()}, pipeline);
        end = finish_output(sink);
        counts = firewall.counts();
        seconds = loop.seconds();
        // Teardown: rules and table (in the target namespace), then the namespace, then the
        // sysctls, then the state file.
    }
    for (const auto& note : end.notes) std::cerr << "ftnettrace: " << note << "\n";
    std::cerr << "ftnettrace: " << counts.steps << " trace steps and " << counts.invalid
              << " invalid packets seen, " << sink.shown() << " shown, " << lost_text(counts)
              << ", " << counts.rules << " rules and " << counts.tables << " tables removed, "
              << std::fixed << std::setprecision(2) << seconds << " s\n";
    return end.exit_code;
}

}  // namespace

int run_netfilter_mode(const Options& options) {
    require_root();
    // With kprobes, each step joins its packet's path; without, steps stand alone.
    TracefsMount tracefs;
    // --diag judges whole packets: their paths on tracepoints, with the steps joined.
    bool kprobes = read_tracefs_features(tracefs.path()).kprobe_events;
    if ((kprobes || options.diag) && !options.steps_only) return run_path_mode(options);
    return run_steps_alone(options);
}

}  // namespace ftnt
