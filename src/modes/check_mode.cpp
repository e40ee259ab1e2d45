#include "modes/check_mode.h"

#include <iomanip>
#include <iostream>

#include "core/errors.h"
#include "core/text_file.h"
#include "decode/inferred_reason.h"
#include "discover/drop_reasons.h"
#include "discover/event_formats.h"
#include "discover/kernel_env.h"
#include "discover/kernel_types.h"
#include "discover/tracefs_features.h"
#include "discover/tracefs_mount.h"
#include "judge/rule_base.h"
#include "output/json_writer.h"
#include "plan/catalog.h"
#include "plan/drop_function.h"
#include "plan/drop_locations.h"
#include "plan/path_plan.h"
#include "plan/skb_layout.h"

namespace ftnt {
namespace {

struct Row {
    std::string what;
    bool ok = false;
    std::string detail;
};

std::vector<Row> feature_rows(TracefsFeatures f, const std::string& tracefs,
                              const DropReasonTable& reasons, const std::string& offsets) {
    // The README's probe syntax is shared with uprobes: without kprobes it means nothing here.
    f.fetch_arg_n = f.fetch_arg_n && f.kprobe_events;
    f.fetch_arrays = f.fetch_arrays && f.kprobe_events;
    f.fetch_strings = f.fetch_strings && f.kprobe_events;
    f.eprobes = f.eprobes && f.kprobe_events;
    return {
        {"tracefs", true, tracefs},
        {"instances", f.instances, "private trace instance per run"},
        {"kprobes", f.kprobe_events,
         f.kprobe_events ? "kprobe_events" : "CONFIG_KPROBES off: tracepoints only"},
        {"kretprobes", f.kretprobes, "--ret"},
        {"$argN fetchargs", f.fetch_arg_n, "4.20+"},
        {"array fetch types", f.fetch_arrays, "TYPE[N], 4.20+"},
        {"string fetch types", f.fetch_strings, "device names"},
        {"BTF-named probe args", f.btf_args, "6.5+ (not needed: offsets are computed)"},
        {"eprobes", f.eprobes, "5.15+ (not used)"},
        {"hist triggers", f.hist_triggers, "CONFIG_HIST_TRIGGERS (not used)"},
        {"drop reasons", reasons.available(),
         reasons.available() ? std::to_string(reasons.size()) + " names in skb:kfree_skb"
                             : "5.17+"},
        {"BTF", path_exists("/sys/kernel/btf/vmlinux"), "/sys/kernel/btf/vmlinux"},
        {"struct offsets", !offsets.empty() && offsets[0] != '!',
         offsets.empty() ? "" : offsets.substr(offsets[0] == '!')},
    };
}

// The drop function a kprobe at the drop would use, and the reasons inferred from locations
// where skb:kfree_skb has none.
void add_drop_rows(std::vector<Row>& rows, const Catalog& catalog,
                   const ProbeableFunctions& functions, const DropReasonTable& reasons) {
    auto drop = find_drop_function(catalog, functions);
    rows.push_back(
        {"drop function", drop.has_value(),
         drop ? drop->function + " (skb arg " + std::to_string(drop->skb_arg) +
                    (drop->reason_arg ? ", reason arg " + std::to_string(drop->reason_arg) + ")"
                                      : ", no reason)")
              : "none of the catalog's drop functions is traceable"});
    if (!reasons.available())
        rows.push_back({"inferred drop reasons", true,
                        std::to_string(InferredReasons(drop_location_reasons(catalog)).size()) +
                            " drop locations name a reason (drop-locations.def)"});
}

}  // namespace

int run_check_mode(const Options& o) {
    require_root();
    TracefsMount tracefs;
    auto features = read_tracefs_features(tracefs.path());
    EventFormats formats;
    auto reasons = DropReasonTable::from_event(formats.load(tracefs.path(), "skb", "kfree_skb"));
    Catalog catalog = Catalog::load(o.catalog_dir);
    auto [types, layout, offsets_error] = load_kernel_offsets(o.btf, o.vmlinux);
    std::string offsets = layout ? layout->source + ": sk_buff.data at " +
                                       std::to_string(layout->data.byte_offset) + ", len at " +
                                       std::to_string(layout->len.byte_offset) + ", dev at " +
                                       std::to_string(layout->dev.byte_offset)
                                 : "!" + offsets_error;
    auto functions = ProbeableFunctions::read(tracefs.path());
    PathPlanInput in;
    in.catalog = &catalog;
    in.features = &features;
    in.types = types.get();
    in.layout = layout ? &*layout : nullptr;
    in.functions = &functions;
    in.group = "check";
    in.tracefs_events = tracefs.path() + "/events";
    auto plan = plan_path(in);
    auto rows = feature_rows(features, tracefs.path(), reasons, offsets);
    add_drop_rows(rows, catalog, functions, reasons);
    rows.push_back({"catalog", true, catalog.source()});
    auto rules = RuleBase::load(o.rules_dir);
    rows.push_back({"diagnosis rules", !rules.rules().empty(),
                    std::to_string(rules.rules().size()) + " rules, " +
                        std::to_string(rules.reason_count()) + " drop-reason texts"});

    if (o.output == OutputKind::Json) {
        std::string lines;
        for (const auto& row : rows)
            JsonObject(lines)
                .field("type", "feature")
                .field("name", row.what)
                .flag("ok", row.ok)
                .field("detail", row.detail);
        for (const auto& probe : plan.probes)
            JsonObject(lines)
                .field("type", "probe")
                .field("name", probe.name)
                .field("kind", probe.tracepoint ? "tracepoint" : "kprobe")
                .field("group", probe.group)
                .flag("ok", true)
                .field("function", probe.tracepoint ? probe.name : probe.kprobe.function);
        for (const auto& skipped : plan.skipped)
            JsonObject(lines)
                .field("type", "probe")
                .field("name", skipped.substr(0, skipped.find(':')))
                .flag("ok", false)
                .field("detail", skipped.substr(skipped.find(':') + 2));
        std::cout << lines;
        return kExitOk;
    }
    std::cout << "Kernel " << kernel_release() << "\n\n";
    for (const auto& row : rows)
        std::cout << "  " << std::left << std::setw(24) << row.what << (row.ok ? "yes  " : "no   ")
                  << row.detail << "\n";
    std::cout << "\nProbe points (" << plan.probes.size() << " usable, " << plan.skipped.size()
              << " not):\n";
    for (const auto& probe : plan.probes)
        std::cout << "  " << std::setw(12) << probe.group << " " << std::setw(28) << probe.name
                  << (probe.tracepoint ? "tracepoint" : "kprobe " + probe.kprobe.function) << "\n";
    for (const auto& skipped : plan.skipped)
        std::cout << "  " << std::setw(12) << "-"
                  << " " << skipped << "\n";
    return kExitOk;
}

}  // namespace ftnt
