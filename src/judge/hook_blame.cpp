#include "judge/hook_blame.h"

#include <algorithm>
#include <vector>

#include "decode/netfilter_fields.h"

namespace ftnt {
namespace {

bool is_hook_pass(const PathEvent& e) {
    return e.decode == DecodeAs::NfHook;
}

bool is_table(const PathEvent& e) {
    return e.decode == DecodeAs::XtTable || e.decode == DecodeAs::NftChain;
}

// include/uapi/linux/netfilter.h: NF_DROP is 0 in the verdict's low byte.
bool table_dropped(const PathEvent& e) {
    if (e.deduced_verdict) return *e.deduced_verdict == 0;
    return e.retval && (*e.retval & 0xff) == 0;
}

// nf_hook_slow returns -EPERM (or the -errno of NF_DROP_ERR) after a drop, 1 when the packet
// goes on, 0 when a hook stole or queued it.
bool pass_accepted(const PathEvent& e) {
    return e.retval && *e.retval >= 0;
}

std::size_t hook_count_from_start(const PathEvent& e) {
    std::size_t count = 0, start = 0;
    for (const auto& [key, value] : e.extra) {
        if (key == "hook_count") count = std::stoul(value);
        if (key == "hook_start") start = std::stoul(value);
    }
    return count > start ? count - start : 0;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

// The traced table that returned NF_DROP, named by the hook of the pass that runs it.
std::string blame_table(const PathEvent& table, const std::vector<std::string>& hooks,
                        const VerdictPoints& verdict_points) {
    std::string hook = table.func;
    for (const auto& name : hooks) {
        auto it = verdict_points.find(name);
        if (it != verdict_points.end() && it->second == table.func) {
            hook = name;
            break;
        }
    }
    std::string verdict = netfilter_verdict(table);
    if (hook != table.func) verdict = table.func + ": " + verdict;
    return hook + " (" + verdict + ")";
}

std::string blame_untraced(const PathEvent& pass, const std::vector<std::string>& hooks,
                           const VerdictPoints& verdict_points) {
    std::vector<std::string> candidates;
    for (const auto& name : hooks)
        if (!verdict_points.count(name) &&
            std::find(candidates.begin(), candidates.end(), name) == candidates.end())
            candidates.push_back(name);
    std::size_t not_fetched =
        hook_count_from_start(pass) - std::min(hooks.size(), hook_count_from_start(pass));
    std::string more = not_fetched ? ", or one of the " + std::to_string(not_fetched) +
                                         " hooks after them that --hooks does not fetch"
                                   : "";
    if (candidates.empty())
        return not_fetched ? "one of the " + std::to_string(not_fetched) +
                                 " hooks after the fetched ones (every fetched hook's verdict "
                                 "is traced and none was NF_DROP)"
                           : "not known: every hook of this pass has its verdict traced and "
                             "none returned NF_DROP (were events lost?)";
    if (candidates.size() == 1 && more.empty())
        return candidates[0] + " (the one hook of this pass whose verdict is not traced)";
    return "one of " + joined(candidates) + " (the hooks of this pass whose verdict is not traced" +
           more + ")";
}

}  // namespace

bool is_netfilter_drop(const PathEvent& e) {
    if (is_hook_pass(e)) return e.retval && *e.retval < 0;
    return e.frees_skb && e.reason == "NETFILTER_DROP";
}

std::string blame_hook(const Lifecycle& lifecycle, std::size_t index,
                       const VerdictPoints& verdict_points, const HookNamer& name_of) {
    const auto& events = lifecycle.events;
    if (index >= events.size()) return "";
    // The pass: the last nf_hook_slow at or before the event, up to the event (a free) or up
    // to the next free or pass (the nf_hook_slow event itself, which its return joined).
    std::size_t pass = index + 1;
    for (std::size_t i = index + 1; i-- > 0;)
        if (is_hook_pass(events[i])) {
            pass = i;
            break;
        }
    std::size_t end = index;
    if (pass == index)
        for (end = index + 1; end < events.size(); ++end)
            if (events[end].frees_skb || is_hook_pass(events[end])) break;
    std::vector<std::string> hooks;
    if (pass <= index) {
        if (pass_accepted(events[pass])) return "";
        for (uint64_t address : hook_functions(events[pass])) hooks.push_back(name_of(address));
    }
    std::size_t from = pass <= index ? pass + 1 : 0;
    for (std::size_t i = std::min(end, events.size()); i-- > from;)
        if (is_table(events[i]) && table_dropped(events[i]))
            return blame_table(events[i], hooks, verdict_points);
    if (hooks.empty()) return "";
    return blame_untraced(events[pass], hooks, verdict_points);
}

}  // namespace ftnt
