#include "plan/drop_plan.h"

#include <charconv>

#include "plan/user_filter.h"

#include "core/beneath.h"
#include "core/errors.h"
#include "core/shown_value.h"
#include "core/text_file.h"
#include "ftnettrace/filters.h"

namespace ftnt {
std::vector<uint64_t> reason_values(const std::string& list, const DropReasonTable& reasons,
                                    const char* flag) {
    std::vector<uint64_t> values;
    if (list.empty()) return values;
    if (!reasons.available())
        throw UsageError(std::string(flag) +
                         ": this kernel's skb:kfree_skb has no reason field (drop reasons "
                         "appeared in 5.17)");
    for (const auto& name : filters::split_list(list)) {
        auto value = reasons.value_of(name);
        if (!value)
            throw UsageError(std::string(flag) + ": unknown drop reason '" + shown_value(name) +
                             "'; this kernel knows:\n  " + join_names(reasons.names()));
        values.push_back(*value);
    }
    return values;
}

namespace {

uint64_t read_tracepoint_id(const std::string& tracefs, const std::string& system,
                            const std::string& event) {
    auto text = read_beneath(tracefs, "events/" + system + "/" + event + "/id");
    uint64_t id = 0;
    auto digits = trim(text.value_or(""));
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (!text || error != std::errc() || end != digits.data() + digits.size())
        throw KernelError("tracepoint " + system + ":" + event + " has no readable id file");
    return id;
}

TupleSourceSpec tuple_source_spec(const CatalogEntry& entry) {
    TupleSourceSpec spec;
    spec.name = entry.name;
    spec.where = entry.file + ":" + std::to_string(entry.line);
    spec.skb = entry.get("skb", "skbaddr");
    spec.addresses = entry.get("addresses", "packet");
    spec.l4 = entry.get("l4");
    spec.require = entry.get("require");
    return spec;
}

}  // namespace

bool join_can_pass(const TupleSourceSpec& join, const ProtocolSelection& protocols) {
    // A named ethertype lets a drop through whatever its tuple: then any tuple is shown.
    if (protocols.transports.empty() || !protocols.ethertypes.empty() || join.l4.empty())
        return true;
    for (const auto& name : protocols.transports)
        if (name == join.l4) return true;
    return false;
}

bool ProtocolSelection::passes(uint16_t ethertype, const std::optional<PacketTuple>& tuple) const {
    if (transports.empty()) return true;  // the kernel filter already decided
    for (auto named : ethertypes)
        if (named == ethertype) return true;
    if (!tuple) return false;
    for (const auto& name : transports)
        if (name == tuple->l4) return true;
    return false;
}

std::string drop_filter(const DropRunOptions& options, const DropReasonTable& reasons,
                        ProtocolSelection& selection) {
    auto include = reason_values(options.reasons, reasons, "--reason");
    auto exclude = reason_values(options.exclude_reasons, reasons, "--exclude-reason");
    filters::ProtocolChoice protocols;
    try {
        protocols = filters::parse_protocols(options.filter.proto);
    } catch (const filters::FilterError& error) {
        throw UsageError(std::string("--proto: ") + error.what());
    }
    selection.transports = protocols.transports;
    selection.ethertypes = protocols.ethertypes;
    std::vector<uint64_t> ethertypes(protocols.ethertypes.begin(), protocols.ethertypes.end());
    // A transport name lets IPv4 and IPv6 drops through the kernel; their tuple decides.
    if (!protocols.transports.empty()) {
        ethertypes.push_back(0x0800);
        ethertypes.push_back(0x86dd);
    }
    std::vector<uint64_t> pid;
    if (options.pid) pid.push_back(options.pid);
    return filters::all_of({filters::any_of("reason", include), filters::none_of("reason", exclude),
                            filters::any_of("protocol", ethertypes),
                            filters::any_of("common_pid", pid)});
}

DropPlan plan_drop(const DropRunOptions& options, const std::string& tracefs,
                   const DropReasonTable& reasons, const Catalog& catalog, EventFormats& formats) {
    DropPlan plan;
    // --netns, --pkt-len, --tcp-flags, --icmp-id: refused by cli/mode_options (not in kfree_skb).
    plan.tuple_filter = packet_filter_of(options.filter, false);
    plan.drop = {"skb", "kfree_skb", read_tracepoint_id(tracefs, "skb", "kfree_skb"),
                 drop_filter(options, reasons, plan.protocols), options.stack};
    if (!reasons.available())
        plan.notices.push_back(
            "drop reasons: this kernel's skb:kfree_skb has no reason field (added in 5.17); "
            "a drop shows the reason its location stands for, marked (inferred), where "
            "kprobe-defs/drop-locations.def names one, else its location only");
    std::string joined;
    for (const auto* entry : catalog.with("join", "drop")) {
        auto spec = tuple_source_spec(*entry);
        if (!join_can_pass(spec, plan.protocols)) continue;
        tep_event* event = formats.load(tracefs, entry->system(), entry->event());
        if (!event) continue;
        plan.join_specs.push_back(std::move(spec));
        plan.join_events.push_back(event);
        plan.joins.push_back({entry->system(), entry->event(),
                              read_tracepoint_id(tracefs, entry->system(), entry->event()), "",
                              false});
        joined += (joined.empty() ? "" : ", ") + entry->name;
    }
    plan.tuples_wanted =
        !options.summary || !plan.protocols.transports.empty() || !plan.tuple_filter.empty();
    if (!plan.tuples_wanted) {
        plan.joins.clear();
        plan.join_specs.clear();
        plan.join_events.clear();
        return plan;
    }
    if (!plan.tuple_filter.empty())
        plan.notices.push_back(
            "-s/-d/--addr/-S/-D/-P: checked on the drop's tuple; drops without "
            "one are not shown");
    plan.notices.push_back(
        joined.empty()
            ? "tuples: no tracepoint of this kernel names a dropped packet's addresses; drops "
              "show no tuple (kprobe path tracing can)"
            : "tuples: joined from " + joined +
                  " by skb address; other drops show no tuple (kprobe path tracing can)");
    return plan;
}

void use_drop_point(DropPlan& plan, const std::string& function) {
    plan.joins.clear();
    plan.join_specs.clear();
    plan.join_events.clear();
    for (auto& line : plan.notices)
        if (line.starts_with("tuples: "))
            line = "tuples: read where the packet is dropped, by a kprobe on " + function +
                   " (IP header at skb->head + network_header, MACs at mac_header)";
}

}  // namespace ftnt
