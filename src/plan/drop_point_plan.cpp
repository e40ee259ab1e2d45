#include "plan/drop_point_plan.h"

#include <map>

#include "core/errors.h"

#include "ftnettrace/filters.h"
#include "plan/drop_plan.h"
#include "plan/fetchargs.h"
#include "plan/skb_layout.h"

namespace ftnt {
namespace {

struct DropFunction {
    const char* name;
    bool has_reason;
};

// Newest first: each of them calls the skb:kfree_skb tracepoint itself.
constexpr DropFunction kDropFunctions[] = {
    {"sk_skb_reason_drop", true}, {"kfree_skb_reason", true}, {"kfree_skb", false}};

std::string at(uint32_t offset, const std::string& base) {
    return "+" + std::to_string(offset) + "(" + base + ")";
}

uint16_t swap16(uint64_t value) {
    return static_cast<uint16_t>((value & 0xff) << 8 | (value >> 8 & 0xff));
}

// The tracepoint's filter on the kprobe's fields: the reason register, skb->protocol as
// it sits in memory (network order, while the tracepoint stores ntohs()), the task.
std::string kprobe_filter(const DropRunOptions& options, const DropReasonTable& reasons,
                          bool has_reason) {
    std::vector<std::string> clauses;
    if (has_reason) {
        auto include = reason_values(options.reasons, reasons, "--reason");
        auto exclude = reason_values(options.exclude_reasons, reasons, "--exclude-reason");
        // Since 6.3 kfree_skb_reason() also frees consumed skbs (reason SKB_CONSUMED) and
        // then fires skb:consume_skb, not skb:kfree_skb.
        if (auto consumed = reasons.value_of("CONSUMED"); consumed && include.empty())
            exclude.push_back(*consumed);
        clauses.push_back(filters::any_of("reason", include));
        clauses.push_back(filters::none_of("reason", exclude));
    }
    ProtocolSelection selection;
    drop_filter(options, reasons, selection);
    std::vector<uint64_t> ethertypes;
    for (auto type : selection.ethertypes) ethertypes.push_back(swap16(type));
    if (!selection.transports.empty()) {
        ethertypes.push_back(swap16(0x0800));
        ethertypes.push_back(swap16(0x86dd));
    }
    clauses.push_back(filters::any_of("protocol", ethertypes));
    std::vector<uint64_t> pid;
    if (options.pid) pid.push_back(options.pid);
    clauses.push_back(filters::any_of("common_pid", pid));
    // skb_unref(): with other references the skb is not freed and no tracepoint fires.
    clauses.push_back("users == 1");
    return filters::all_of(clauses);
}

// The device the skb is on and its netns (-w names an interface by them); nothing where
// BTF lacks a member of the path.
std::string device_fetchargs(const KernelTypes& types, const std::string& skb) {
    try {
        SkbLayout l = SkbLayout::from(types);
        std::string dev = at(l.dev.byte_offset, skb);
        return " devp=" + dev + ":x64 dev=" + at(l.dev_name.byte_offset, dev) +
               ":string netns=" + at(l.net_inum.byte_offset, at(l.dev_net.byte_offset, dev)) +
               ":u32";
    } catch (const KernelError&) {
        return "";
    }
}

}  // namespace

DropPointPlan plan_drop_point(const DropRunOptions& options, const DropReasonTable& reasons,
                              const ProbeableFunctions& functions, const KernelTypes& types) {
    DropPointPlan plan;
    const DropFunction* chosen = nullptr;
    std::string symbol;
    for (const auto& candidate : kDropFunctions) {
        symbol = functions.resolve(candidate.name);
        if (symbol.empty() || functions.blacklisted.count(symbol) ||
            !types.has_function(candidate.name))
            continue;
        chosen = &candidate;
        break;
    }
    if (!chosen) {
        plan.why_not = "none of sk_skb_reason_drop, kfree_skb_reason, kfree_skb can be probed";
        return plan;
    }
    auto skb_index = types.pointer_param(chosen->name, "sk_buff");
    if (!skb_index) {
        plan.why_not = std::string(chosen->name) + " has no struct sk_buff argument in BTF";
        return plan;
    }
    const char* members[] = {"head", "data", "network_header", "mac_header", "users", "protocol"};
    std::map<std::string, MemberLocation> m;
    for (const char* name : members) {
        auto member = types.member("sk_buff", name);
        if (!member) {
            plan.why_not = std::string("struct sk_buff has no member ") + name;
            return plan;
        }
        m[name] = *member;
    }
    // Header offsets are u16 from skb->head on 64-bit kernels (NET_SKBUFF_DATA_USES_OFFSET).
    for (const char* name : {"network_header", "mac_header"})
        if (m[name].size != 2) {
            plan.why_not = std::string("sk_buff.") + name + " is not a 16-bit offset here";
            return plan;
        }
    std::string skb = argument_fetcharg(*skb_index + 1);
    std::string data = at(m["data"].byte_offset, skb);
    std::string args = "skb=" + skb + ":x64";
    if (chosen->has_reason) args += " reason=" + argument_fetcharg(*skb_index + 2) + ":u32";
    args += " users=" + at(m["users"].byte_offset, skb) + ":u32";
    args += " protocol=" + at(m["protocol"].byte_offset, skb) + ":u16";
    args += " head=" + at(m["head"].byte_offset, skb) + ":x64";
    args += " data=" + data + ":x64";
    args += " nh=" + at(m["network_header"].byte_offset, skb) + ":u16";
    args += " mh=" + at(m["mac_header"].byte_offset, skb) + ":u16";
    args += " hdr=-" + std::to_string(kDropWindowBefore) + "(" + data + "):x64[" +
            std::to_string(kDropWindowBytes / 8) + "]";
    args += device_fetchargs(types, skb);
    DropPointProbe probe;
    probe.function = chosen->name;
    probe.kprobe = {"drop_point", symbol, args, false};
    probe.filter = kprobe_filter(options, reasons, chosen->has_reason);
    plan.probe = std::move(probe);
    return plan;
}

}  // namespace ftnt
