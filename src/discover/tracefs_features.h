// What the running kernel's tracing supports, read from tracefs/README and the tree.
#pragma once

#include <string>

namespace ftnt {

struct TracefsFeatures {
    bool instances = false;
    bool kprobe_events = false;
    bool kretprobes = false;
    bool dynamic_events = false;
    bool eprobes = false;
    bool fprobes = false;
    bool hist_triggers = false;
    bool stacktrace_trigger = false;
    bool fetch_arg_n = false;    // $argN
    bool fetch_arrays = false;   // TYPE[N]
    bool fetch_strings = false;  // string/ustring
    bool btf_args = false;       // BTF-named probe arguments (6.5+)
    bool error_log = false;
    // Synthetic events raised by onchange()/onmatch() trace() actions: in-kernel following of
    // a filtered packet to its free (not in Debian's 5.10: no CONFIG_SYNTH_EVENTS).
    bool hist_follow = false;
};

// README is the text of <tracefs>/README; it lists the syntax the kernel accepts.
TracefsFeatures parse_tracefs_readme(const std::string& readme);
// Reads README and checks for the instances directory.
TracefsFeatures read_tracefs_features(const std::string& tracefs);

}  // namespace ftnt
