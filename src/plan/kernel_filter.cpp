#include "plan/kernel_filter.h"

#include <vector>

#include "core/errors.h"
#include "ftnettrace/filters.h"

namespace ftnt {
namespace {

std::string length_clause(const std::string& pkt_len) {
    auto dash = pkt_len.find('-');
    try {
        unsigned long low = std::stoul(pkt_len.substr(0, dash));
        unsigned long high = dash == std::string::npos ? low : std::stoul(pkt_len.substr(dash + 1));
        return "len >= " + std::to_string(low) + " && len <= " + std::to_string(high);
    } catch (const std::exception&) {
        throw UsageError("--pkt-len: '" + pkt_len + "' is not N or N-M");
    }
}

}  // namespace

std::string common_kernel_filter(const CommonFilterInput& in) {
    std::vector<std::string> clauses;
    // skb->dev is still NULL early on the send path: there the netns is the socket's (skns),
    // and an skb with neither (0) is let through.
    if (in.netns) {
        std::string id = std::to_string(in.netns);
        clauses.push_back(in.socket_netns ? "netns == " + id + " || (netns == 0 && (skns == " + id +
                                                " || skns == 0))"
                                          : "netns == " + id + " || netns == 0");
    }
    if (!in.pkt_len.empty() && in.has_len) clauses.push_back(length_clause(in.pkt_len));
    return filters::all_of(clauses);
}

}  // namespace ftnt
