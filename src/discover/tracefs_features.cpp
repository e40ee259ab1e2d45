#include "discover/tracefs_features.h"

#include "core/text_file.h"

namespace ftnt {
namespace {

bool has(const std::string& text, const char* needle) {
    return text.find(needle) != std::string::npos;
}

}  // namespace

TracefsFeatures parse_tracefs_readme(const std::string& readme) {
    TracefsFeatures f;
    f.instances = has(readme, "instances");
    // The probe syntax block is shared with uprobes: 6.1 says "place: [<module>:]<symbol>"
    // for kprobes, newer kernels "place (kprobe)"; a uprobe-only kernel has neither.
    f.kprobe_events = has(readme, "place: [<module>:]<symbol>") || has(readme, "place (kprobe)");
    f.kretprobes = f.kprobe_events && has(readme, "r[maxactive]");
    f.dynamic_events = has(readme, "dynamic_events");
    f.eprobes = has(readme, "e[:[<group>/][<event>]]");
    f.fprobes = has(readme, "place (fprobe)");
    f.hist_triggers = has(readme, "hist:keys");
    f.stacktrace_trigger = has(readme, "stacktrace");
    f.fetch_arg_n = has(readme, "$arg<N>");
    f.fetch_arrays = has(readme, "<type>\\[<array-size>\\]");
    f.fetch_strings = has(readme, "string");
    f.btf_args = has(readme, "$arg*") || has(readme, "<argname>");
    f.error_log = has(readme, "error_log");
    f.hist_follow = f.hist_triggers && has(readme, "onchange(var)") &&
                    has(readme, "trace(<synthetic_event>,param list)") &&
                    has(readme, "synthetic_events");
    return f;
}

TracefsFeatures read_tracefs_features(const std::string& tracefs) {
    auto readme = read_text_file(tracefs + "/README");
    TracefsFeatures f = parse_tracefs_readme(readme.value_or(""));
    f.instances = path_exists(tracefs + "/instances");
    f.kprobe_events = f.kprobe_events && path_exists(tracefs + "/kprobe_events");
    f.error_log = path_exists(tracefs + "/error_log");
    f.hist_follow = f.hist_follow && path_exists(tracefs + "/synthetic_events");
    return f;
}

}  // namespace ftnt
