#include "plan/path_plan.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/shown_value.h"
#include "core/text_file.h"
#include "ftnettrace/filters.h"
#include "ftnettrace/probe_filter.h"
#include "plan/fetchargs.h"
#include "plan/member_offsets.h"

namespace ftnt {
namespace {

std::optional<filters::Layer> layer_named(const std::string& name) {
    if (name == "l2") return filters::Layer::L2;
    if (name == "l3") return filters::Layer::L3;
    if (name == "l4") return filters::Layer::L4;
    if (name == "icmp-body") return filters::Layer::IcmpBody;
    if (name == "sock") return filters::Layer::Sock;
    if (name == "none" || name.empty()) return filters::Layer::None;
    return std::nullopt;
}

std::string where(const CatalogEntry& e) {
    return e.file + ":" + std::to_string(e.line);
}

bool selected(const CatalogEntry& e, const std::vector<std::string>& selection) {
    if (selection.empty()) return true;
    for (const auto& s : selection)
        if (s == e.get("group") || s == e.name || s == e.event()) return true;
    return false;
}

bool wanted(const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The skb expression: a register, or a member of the struct an argument points to.
std::optional<std::string> skb_expression(const CatalogEntry& e, const std::string& function,
                                          const KernelTypes& types) {
    std::string skb = e.get("skb", "1");
    bool pointer_to_pointer = skb.starts_with("*");  // struct sk_buff **pskb
    if (pointer_to_pointer) skb.erase(0, 1);
    int argument = 0;
    if (skb == "auto") {
        auto index = types.pointer_param(function, "sk_buff");
        if (!index) return std::nullopt;
        argument = *index + 1;
    } else {
        try {
            argument = std::stoi(skb);
        } catch (const std::exception&) {
            throw UsageError("bad catalog entry at " + where(e) + ": skb must be 1-6 or auto");
        }
    }
    std::string reg = argument_fetcharg(argument);
    if (pointer_to_pointer) return "+0(" + reg + ")";
    auto member = e.get("skb_member");
    if (member.empty()) return reg;
    auto dot = member.find('.');
    auto location = types.member(member.substr(0, dot), member.substr(dot + 1));
    if (!location) return std::nullopt;
    return "+" + std::to_string(location->byte_offset) + "(" + reg + ")";
}

// Groups whose L3 points come after eth_type_trans: the Ethernet header is right before
// skb->data (on the send side it is not written yet, or is a forwarded packet's old one).
bool receive_side(const CatalogEntry& e) {
    static const std::set<std::string> kGroups = {"link-in", "ip-in", "route", "forward", "bridge"};
    return kGroups.count(e.get("group")) != 0;
}

std::string lifecycle_role(const CatalogEntry& e) {
    std::string role = e.get("lifecycle");
    if (role.empty() || role == "free" || role == "clone" || role == "entry") return role;
    throw UsageError("bad catalog entry at " + where(e) +
                     ": lifecycle must be free, clone or entry");
}

void plan_tracepoint(const CatalogEntry& e, const std::string& tracefs_events, PathPlan& plan) {
    if (!path_exists(tracefs_events + "/" + e.system() + "/" + e.event())) {
        plan.skipped.push_back(e.name + ": tracepoint not in this kernel");
        return;
    }
    PathProbe p;
    p.name = e.name;
    p.group = e.get("group");
    p.tracepoint = true;
    p.lifecycle = lifecycle_role(e);
    std::istringstream fields(e.get("fields"));
    for (std::string field; fields >> field;) p.extra_names.push_back(field);
    plan.probes.push_back(p);
}

// The catalog's `fields` (and `more`) with their struct offsets, fetched and shown by name;
// false (the point skipped, said why) when a member is not in this kernel.
bool add_fields(const CatalogEntry& e, const std::string& more, const PathPlanInput& in,
                PathProbe& p, PathPlan& plan) {
    std::string fields = e.get("fields") + more;
    if (trim(fields).empty()) return true;
    auto resolved = resolve_member_offsets(fields, *in.types);
    if (!resolved) {
        plan.skipped.push_back(e.name + ": a struct member its fields name is not in this kernel");
        return false;
    }
    p.kprobe.fetchargs += " " + *resolved;
    auto names = fetcharg_names(fields);
    p.extra_names.insert(p.extra_names.end(), names.begin(), names.end());
    return true;
}

// A point whose function has a socket and no skb (sk = N, or "auto" from BTF): its events
// carry the socket's tuple and belong to no packet.
void plan_socket_kprobe(const CatalogEntry& e, const std::string& function, const PathPlanInput& in,
                        PathPlan& plan) {
    std::string sk = e.get("sk", "auto");
    int argument = 0;
    if (sk == "auto") {
        auto index = in.types->pointer_param(function, "sock");
        if (!index) {
            plan.skipped.push_back(e.name + ": no struct sk_buff argument (nor a struct sock one)");
            return;
        }
        argument = *index + 1;
    } else {
        try {
            argument = std::stoi(sk);
        } catch (const std::exception&) {
            throw UsageError("bad catalog entry at " + where(e) + ": sk must be 1-6 or auto");
        }
    }
    // The local port (skc_num) may already be 0 here (see build_socket_fetchargs): -S and -P
    // are checked in user space, on inet_sport.
    filters::PacketFilter in_kernel = in.filter;
    in_kernel.sport.reset();
    in_kernel.port.reset();
    auto compiled = filters::compile_probe_filter(in_kernel, filters::Layer::Sock, in.layout->sock,
                                                  in.layout->conntrack);
    PathProbe p;
    p.name = e.name;
    p.group = e.get("group");
    p.layer = filters::Layer::Sock;
    p.socket_only = true;
    p.kprobe = {event_name_for(e.name), function,
                build_socket_fetchargs(argument_fetcharg(argument), *in.layout, compiled), false};
    p.filter = compiled.expression;
    p.exact_filter = compiled.exact && !in.filter.sport && !in.filter.port;
    p.stack = wanted(in.stack_at, e.name);
    if (!add_fields(e, "", in, p, plan)) return;
    if ((in.returns && e.get("ret") == "yes") || e.get("ret") == "always")
        p.kretprobe = KprobeSpec{event_name_for(e.name) + "_ret", function,
                                 "ret=$retval:" + e.get("ret_type", "s64"), true};
    plan.probes.push_back(std::move(p));
}

void plan_kprobe(const CatalogEntry& e, const PathPlanInput& in, PathPlan& plan) {
    auto layer = layer_named(e.get("data"));
    if (!layer)
        throw UsageError("bad catalog entry at " + where(e) +
                         ": data must be l2, l3, l4, icmp-body, sock or none");
    std::string function = in.functions->resolve(e.name);
    if (function.empty()) {
        std::stringstream aliases(e.get("aliases"));
        std::string alias;
        while (function.empty() && std::getline(aliases, alias, ','))
            function = in.functions->resolve(trim(alias));
    }
    if (function.empty()) {
        plan.skipped.push_back(e.name + ": not in this kernel (or inlined)");
        return;
    }
    if (in.functions->blacklisted.count(function)) {
        plan.skipped.push_back(e.name + ": on the kprobe blacklist");
        return;
    }
    if (!e.get("sk").empty() ||
        (e.get("skb") == "auto" && !in.types->pointer_param(function, "sk_buff"))) {
        plan_socket_kprobe(e, function, in, plan);
        return;
    }
    auto skb = skb_expression(e, function, *in.types);
    if (!skb) {
        // Modules have BTF of their own only since 5.11 (/sys/kernel/btf/<module>).
        plan.skipped.push_back(e.name + (in.types->has_function(function)
                                             ? ": no struct sk_buff argument in its prototype"
                                             : ": its prototype is not in BTF (a module without "
                                               "BTF of its own, before 5.11)"));
        return;
    }
    auto compiled =
        filters::compile_probe_filter(in.filter, *layer, in.layout->sock, in.layout->conntrack);
    PathProbe p;
    p.name = e.name;
    p.group = e.get("group");
    p.layer = *layer;
    p.lifecycle = lifecycle_role(e);
    p.decode = e.decode;
    p.kprobe = {event_name_for(e.name), function,
                build_fetchargs({*skb, *layer, receive_side(e)}, *in.layout, compiled), false};
    p.filter = compiled.expression;
    p.exact_filter = compiled.exact;
    p.stack = wanted(in.stack_at, e.name);
    bool hooks = in.hooks && !e.get("hooks_fields").empty();
    if (!add_fields(e, hooks ? " " + e.get("hooks_fields") : "", in, p, plan)) return;
    if ((in.returns && e.get("ret") == "yes") || e.get("ret") == "always" || hooks)
        p.kretprobe = KprobeSpec{event_name_for(e.name) + "_ret", function,
                                 "ret=$retval:" + e.get("ret_type", "s64"), true};
    plan.probes.push_back(std::move(p));
}

}  // namespace

std::string event_name_for(const std::string& function) {
    std::string out;
    for (char c : function) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
}

ProbeableFunctions ProbeableFunctions::read(const std::string& tracefs) {
    ProbeableFunctions f;
    auto text = read_text_file(tracefs + "/available_filter_functions");
    f.known = text.has_value();
    std::istringstream lines(text.value_or(""));
    std::string line;
    while (std::getline(lines, line)) f.available.insert(line.substr(0, line.find(' ')));
    std::istringstream blacklist(
        read_text_file("/sys/kernel/debug/kprobes/blacklist").value_or(""));
    while (std::getline(blacklist, line)) {
        auto tab = line.find('\t');
        if (tab != std::string::npos) f.blacklisted.insert(trim(line.substr(tab + 1)));
    }
    return f;
}

std::string ProbeableFunctions::resolve(const std::string& function) const {
    if (!known || available.count(function)) return function;
    // gcc's clones keep the name before the first dot: ip_rcv_core.isra.0
    auto it = available.lower_bound(function + ".");
    if (it != available.end() && it->starts_with(function + ".")) return *it;
    return {};
}

std::vector<AdhocProbe> parse_adhoc_probes(const std::vector<std::string>& kprobes,
                                           const std::vector<std::string>& kretprobes) {
    std::vector<AdhocProbe> out;
    auto parse = [&](const std::string& spec, bool with_return) {
        std::istringstream words(spec);
        AdhocProbe probe;
        probe.with_return = with_return;
        words >> probe.function;
        if (probe.function.empty()) throw UsageError("--kprobe: empty function name");
        std::string word;
        while (words >> word) {
            auto equals = word.find('=');
            if (equals == std::string::npos || equals == 0)
                throw UsageError("--kprobe " + shown_value(probe.function) + ": '" +
                                 shown_value(word) + "' is not name=FETCHARG");
            std::string name = word.substr(0, equals);
            if (name == "data") {
                probe.layer = word.substr(equals + 1);
                if (!layer_named(probe.layer))
                    throw UsageError("--kprobe " + shown_value(probe.function) +
                                     ": data must be l2, l3, l4 or none");
                continue;
            }
            probe.fetchargs += " " + word;
            probe.extra_names.push_back(name);
        }
        for (auto& existing : out)
            if (existing.function == probe.function) {
                existing.with_return = existing.with_return || with_return;
                return;
            }
        out.push_back(probe);
    };
    for (const auto& spec : kprobes) parse(spec, false);
    for (const auto& spec : kretprobes) parse(spec, true);
    return out;
}

namespace {

std::string why_not_probeable(const std::string& function, const PathPlanInput& in) {
    if (in.functions->blacklisted.count(function)) return "it is on the kprobe blacklist";
    if (in.types && in.types->has_function(function))
        return "it is not traceable here (inlined everywhere, or notrace)";
    return "no such function in this kernel";
}

void plan_adhoc(const AdhocProbe& adhoc, const PathPlanInput& in, PathPlan& plan) {
    CatalogEntry e;
    e.kind = "kprobe";
    e.name = adhoc.function;
    e.keys = {{"group", "adhoc"}, {"skb", "auto"}, {"data", adhoc.layer}};
    if (adhoc.with_return) e.keys["ret"] = "always";
    e.file = "--kprobe";
    if (in.functions->resolve(adhoc.function).empty() ||
        in.functions->blacklisted.count(adhoc.function))
        throw UsageError("--kprobe " + adhoc.function +
                         ": cannot probe it: " + why_not_probeable(adhoc.function, in));
    std::size_t skipped = plan.skipped.size();
    plan_kprobe(e, in, plan);
    if (plan.skipped.size() > skipped)
        throw UsageError("--kprobe " + adhoc.function + ": cannot probe it: " +
                         plan.skipped.back().substr(plan.skipped.back().find(':') + 2));
    plan.probes.back().kprobe.fetchargs += adhoc.fetchargs;
    plan.probes.back().extra_names = adhoc.extra_names;
}

// Every name given to -t is a group, an event or a function of the catalog.
void check_selection(const PathPlanInput& in) {
    std::set<std::string> groups;
    for (const auto& e : in.catalog->entries())
        if (e.get("join") == in.join) groups.insert(e.get("group"));
    for (const auto& name : in.selection) {
        bool known = groups.count(name) > 0;
        for (const auto& e : in.catalog->entries())
            known |= e.get("join") == in.join && (name == e.name || name == e.event());
        if (known) continue;
        std::string list;
        for (const auto& g : groups) list += (list.empty() ? "" : ",") + g;
        throw UsageError("--trace: '" + shown_value(name) +
                         "' is no group, event or function of the catalog (groups: " + list + ")");
    }
}

// --kprobe/--kretprobe of a catalog point: the catalog's probe (its data layer, filter and
// fields) gets the extra fetchargs and the return value; a second kprobe of the same
// function would be refused by the kernel ("File exists").
PathProbe* catalog_probe_for(const AdhocProbe& adhoc, const PathPlanInput& in, PathPlan& plan) {
    auto find = [&]() -> PathProbe* {
        std::string function = in.functions->resolve(adhoc.function);
        for (auto& p : plan.probes)
            if (!p.tracepoint && (p.name == adhoc.function || p.kprobe.function == function))
                return &p;
        return nullptr;
    };
    if (auto* planned = find()) return planned;
    for (const auto& e : in.catalog->entries()) {
        if (e.kind != "kprobe" || e.name != adhoc.function || !e.get("join").empty()) continue;
        std::size_t skipped = plan.skipped.size();
        plan_kprobe(e, in, plan);  // not selected by -t: planned now for this option
        if (plan.skipped.size() > skipped)
            throw UsageError("--kprobe " + adhoc.function + ": cannot probe it: " +
                             plan.skipped.back().substr(plan.skipped.back().find(':') + 2));
        return &plan.probes.back();
    }
    return nullptr;
}

void merge_adhoc(const AdhocProbe& adhoc, const CatalogEntry* entry, PathProbe& probe) {
    probe.kprobe.fetchargs += adhoc.fetchargs;
    probe.extra_names.insert(probe.extra_names.end(), adhoc.extra_names.begin(),
                             adhoc.extra_names.end());
    if (adhoc.with_return && !probe.kretprobe)
        probe.kretprobe =
            KprobeSpec{probe.kprobe.event + "_ret", probe.kprobe.function,
                       "ret=$retval:" + (entry ? entry->get("ret_type", "s64") : "s64"), true};
}

const CatalogEntry* catalog_entry(const Catalog& catalog, const std::string& name) {
    for (const auto& e : catalog.entries())
        if (e.kind == "kprobe" && e.name == name) return &e;
    return nullptr;
}

}  // namespace

PathPlan plan_path(const PathPlanInput& in) {
    check_selection(in);
    PathPlan plan;
    plan.kprobes = in.features->kprobe_events && in.types && in.layout;
    for (const auto& e : in.catalog->entries()) {
        if (e.kind.starts_with("drop_")) continue;  // data for --drop, not a path point
        if (e.get("join") != in.join || !selected(e, in.selection)) continue;
        if (e.kind == "tracepoint") {
            // With kprobes the same places are probed with headers; the life tracepoints
            // (consume_skb, kfree_skb) end every lifecycle either way.
            bool named = !in.selection.empty() && wanted(in.selection, e.name);
            if (plan.kprobes && in.join.empty() && e.get("group") != "life" && !named) continue;
            plan_tracepoint(e, in.tracefs_events, plan);
        } else if (plan.kprobes) {
            plan_kprobe(e, in, plan);
        } else {
            plan.skipped.push_back(e.name + ": needs kprobes");
        }
    }
    if (!in.adhoc.empty() && !plan.kprobes)
        throw KernelError("--kprobe needs kprobes, which this kernel does not have");
    for (const auto& adhoc : in.adhoc) {
        if (auto* probe = catalog_probe_for(adhoc, in, plan)) {
            merge_adhoc(adhoc, catalog_entry(*in.catalog, probe->name), *probe);
            continue;
        }
        plan_adhoc(adhoc, in, plan);
    }
    return plan;
}

}  // namespace ftnt
