#include "decode/netfilter_fields.h"

#include <map>

namespace ftnt {
namespace {

std::string extra_value(const PathEvent& e, const char* name) {
    for (const auto& [key, value] : e.extra)
        if (key == name) return value;
    return "";
}

}  // namespace

std::string netfilter_family_name(unsigned pf) {
    static const std::map<unsigned, std::string> kNames = {
        {1, "inet"}, {2, "ipv4"}, {3, "arp"}, {5, "netdev"}, {7, "bridge"}, {10, "ipv6"}};
    auto it = kNames.find(pf);
    return it == kNames.end() ? "pf" + std::to_string(pf) : it->second;
}

std::string netfilter_hook_name(unsigned pf, unsigned hook) {
    static const char* kHooks[] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
    static const char* kArpHooks[] = {"IN", "OUT", "FORWARD"};
    static const char* kNetdevHooks[] = {"INGRESS", "EGRESS"};
    if (pf == 3) return hook < 3 ? kArpHooks[hook] : std::to_string(hook);
    if (pf == 5) return hook < 2 ? kNetdevHooks[hook] : std::to_string(hook);
    return hook < 5 ? kHooks[hook] : std::to_string(hook);
}

std::string netfilter_verdict(const PathEvent& e) {
    // include/uapi/linux/netfilter.h: NF_DROP 0, NF_ACCEPT 1, NF_STOLEN 2, NF_QUEUE 3,
    // NF_REPEAT 4, NF_STOP 5; the low byte is the verdict (NF_VERDICT_MASK).
    static const char* kVerdicts[] = {"DROP", "ACCEPT", "STOLEN", "QUEUE", "REPEAT", "STOP"};
    std::string verdict;
    if (e.retval || e.deduced_verdict) {
        auto code =
            static_cast<std::size_t>(e.deduced_verdict ? *e.deduced_verdict : *e.retval & 0xff);
        verdict = code < 6 ? kVerdicts[code] : std::to_string(code);
    }
    auto table = extra_value(e, "table");
    auto hook = extra_value(e, "hook");
    auto pf = extra_value(e, "pf");
    if (e.decode == DecodeAs::XtTable && !table.empty() && !hook.empty() && !pf.empty()) {
        // ipt_do_table: 2.filter.INPUT.DROP
        return pf + "." + table + "." +
               netfilter_hook_name(static_cast<unsigned>(std::stoul(pf)),
                                   static_cast<unsigned>(std::stoul(hook))) +
               (verdict.empty() ? "" : "." + verdict);
    }
    if (e.decode == DecodeAs::NfHook && !hook.empty() &&
        !pf.empty()) {  // nf_hook_slow: ipv4.INPUT.DROP
        // It returns 1 when the packet goes on, 0 when a hook stole or queued it, and
        // -EPERM (or another -errno of NF_DROP_ERR) when a hook dropped it.
        std::string outcome;
        if (e.retval) outcome = *e.retval == 1 ? "ACCEPT" : *e.retval == 0 ? "STOLEN" : "DROP";
        auto family = static_cast<unsigned>(std::stoul(pf));
        return netfilter_family_name(family) + "." +
               netfilter_hook_name(family, static_cast<unsigned>(std::stoul(hook))) +
               (outcome.empty() ? "" : "." + outcome);
    }
    auto chain = extra_value(e, "chain");
    if (e.decode == DecodeAs::NftChain && !table.empty() && !chain.empty())  // table t chain c DROP
        return "table " + table + " chain " + chain + (verdict.empty() ? "" : " " + verdict) +
               (e.verdict_note.empty() ? "" : " (" + e.verdict_note + ")");
    return "";
}

std::vector<uint64_t> hook_functions(const PathEvent& e) {
    auto count = extra_value(e, "hook_count");
    if (count.empty()) return {};
    auto start = extra_value(e, "hook_start");
    std::vector<uint64_t> out;
    unsigned long n = std::stoul(count);
    for (unsigned long i = start.empty() ? 0 : std::stoul(start); i < n; ++i) {
        auto value = extra_value(e, ("hook_fn" + std::to_string(i)).c_str());
        if (value.empty()) break;  // more hooks than the catalog fetches
        out.push_back(std::stoull(value));
    }
    return out;
}

}  // namespace ftnt
