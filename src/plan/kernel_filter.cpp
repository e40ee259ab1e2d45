#include "plan/kernel_filter.h"

#include <vector>

#include "core/errors.h"
#include "core/shown_value.h"
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
        throw UsageError("--pkt-len: '" + shown_value(pkt_len) + "' is not N or N-M");
    }
}

// devp/skp (the pointers) tell whether netns/skns were read: a fetcharg read through NULL
// keeps stale bytes (plan/fetchargs.cpp). An skb with neither device nor socket passes.
std::string netns_clause(const std::string& id, NetnsFrom from) {
    switch (from) {
        case NetnsFrom::Socket:
            return "netns == " + id;
        case NetnsFrom::DeviceOrSocket:
            return "(devp != 0 && netns == " + id +
                   ") || (devp == 0 && (skp == 0 || skns == " + id + "))";
        default:
            return "(devp != 0 && netns == " + id + ") || devp == 0";
    }
}

}  // namespace

std::string common_kernel_filter(const CommonFilterInput& in) {
    std::vector<std::string> clauses;
    if (in.netns) clauses.push_back(netns_clause(std::to_string(in.netns), in.from));
    if (!in.pkt_len.empty() && in.has_len) clauses.push_back(length_clause(in.pkt_len));
    return filters::all_of(clauses);
}

}  // namespace ftnt
