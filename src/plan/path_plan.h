// Plan stage of path tracing: which catalog points this kernel has, how each is probed,
// and with which filter.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "discover/kernel_types.h"
#include "discover/tracefs_features.h"
#include "ftnettrace/packet_filter.h"
#include "plan/catalog.h"
#include "plan/kprobe_spec.h"
#include "plan/skb_layout.h"

namespace ftnt {

// --kprobe 'FUNC [data=l2|l3|l4|none] [name=FETCHARG ...]' and --kretprobe FUNC.
struct AdhocProbe {
    std::string function;
    std::string layer = "l3";
    std::string fetchargs;                 // passed through to kprobe_events
    std::vector<std::string> extra_names;  // their names, shown with each event
    bool with_return = false;
};
// Throws UsageError for a spec it cannot read.
std::vector<AdhocProbe> parse_adhoc_probes(const std::vector<std::string>& kprobes,
                                           const std::vector<std::string>& kretprobes);

struct PathProbe {
    std::string name;  // catalog name: function or system:event
    std::string group;
    bool tracepoint = false;
    filters::Layer layer = filters::Layer::None;
    KprobeSpec kprobe;                     // kprobes only
    std::optional<KprobeSpec> kretprobe;   // --ret on a point marked ret = yes
    std::string filter;                    // ftrace filter expression, "" = none
    bool exact_filter = true;              // false: user space re-checks the tuple
    bool socket_only = false;              // a socket argument and no skb (sk = N)
    bool stack = false;                    // --trace-stack
    std::vector<std::string> extra_names;  // ad-hoc fetchargs to show
    // The catalog's `lifecycle` key: "free" ends the skb's block, "clone" returns a clone
    // that joins it, "entry" (a receive/send entry point) starts a new block when its
    // headers show another packet; "" otherwise.
    std::string lifecycle;
    DecodeAs decode = DecodeAs::None;  // the catalog's `decode` key
};

// What exists in this kernel to probe: available_filter_functions and the kprobe blacklist.
struct ProbeableFunctions {
    std::set<std::string> available;  // traceable function names (module suffix removed)
    std::set<std::string> blacklisted;
    bool known = false;  // available_filter_functions could be read

    static ProbeableFunctions read(const std::string& tracefs);
    // The name to probe for `function`: itself, or a compiler-renamed copy (.isra.N,
    // .constprop.N, .part.N); empty when neither exists.
    std::string resolve(const std::string& function) const;
};

struct PathPlanInput {
    const Catalog* catalog = nullptr;
    const TracefsFeatures* features = nullptr;
    const KernelTypes* types = nullptr;  // null without BTF
    const SkbLayout* layout = nullptr;   // null without BTF
    const ProbeableFunctions* functions = nullptr;
    filters::PacketFilter filter;
    std::vector<std::string> selection;  // -t: groups or names; empty = all
    std::vector<std::string> stack_at;   // --trace-stack functions
    bool returns = false;                // --ret
    bool hooks = false;                  // --hooks: the catalog's hooks_fields too
    std::vector<AdhocProbe> adhoc;       // --kprobe, --kretprobe
    std::string group;                   // dynamic event group of this run
    std::string tracefs_events;          // <tracefs>/events
    // The catalog's `join` of the points planned: "" for path tracing, "sock" for --sock
    // (whose tracepoints are planned on kprobe kernels too).
    std::string join;
};

struct PathPlan {
    std::vector<PathProbe> probes;
    std::vector<std::string> skipped;  // "veth_xmit: not in this kernel"
    std::vector<std::string> notices;
    bool kprobes = false;
};

PathPlan plan_path(const PathPlanInput& in);

// Event names inside a dynamic group: letters, digits and '_' only.
std::string event_name_for(const std::string& function);

}  // namespace ftnt
