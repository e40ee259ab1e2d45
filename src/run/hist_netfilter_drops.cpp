#include "run/hist_netfilter_drops.h"

#include <algorithm>

#include "core/errors.h"

namespace ftnt {

std::string netfilter_drop_trigger() {
    return "hist:keys=table,hook,pf:vals=hitcount:size=" + std::to_string(kHistNetfilterEntries) +
           " if " + kVerdictField + " == 0";
}

std::vector<std::string> grouped_refusals(
    const std::vector<std::pair<std::string, std::string>>& refused) {
    std::vector<std::pair<std::string, std::string>> groups;  // words, functions
    for (const auto& [function, error] : refused) {
        std::string words = error;
        for (auto at = words.find(function); !function.empty() && at != std::string::npos;
             at = words.find(function, at + 2))
            words.replace(at, function.size(), "it");
        auto group = std::find_if(groups.begin(), groups.end(),
                                  [&](const auto& g) { return g.first == words; });
        if (group == groups.end())
            groups.emplace_back(words, function);
        else
            group->second += ", " + function;
    }
    std::vector<std::string> out;
    for (const auto& [words, functions] : groups) out.push_back(functions + ": " + words);
    return out;
}

HistNetfilterDrops::HistNetfilterDrops(const std::string& tracefs, const std::string& instance_dir,
                                       const std::string& group, const NetfilterDropPlan& plan) {
    std::vector<std::pair<std::string, std::string>> refused;  // function, the kernel's answer
    for (const auto& spec : plan.returns) {
        Counted counted;
        try {
            counted.event = std::make_unique<DynamicEvent>(tracefs, group, spec);
            counted.trigger = std::make_unique<HistTrigger>(tracefs, instance_dir, group,
                                                            spec.event, netfilter_drop_trigger());
        } catch (const KernelError& error) {
            refused.emplace_back(spec.function, error.what());
            continue;
        }
        counted_.push_back(std::move(counted));
    }
    notes_ = grouped_refusals(refused);
}

std::vector<NetfilterDropRow> HistNetfilterDrops::rows(uint64_t* refused) const {
    std::vector<NetfilterDropRow> rows;
    if (refused) *refused = 0;
    for (const auto& counted : counted_) {
        std::string table = counted.trigger->table();
        if (refused) *refused += hist_dropped(table);
        auto more = netfilter_drop_rows(table);
        rows.insert(rows.end(), more.begin(), more.end());
    }
    return summed_netfilter_drops(rows);
}

std::string HistNetfilterDrops::functions() const {
    std::string out;
    for (const auto& counted : counted_)
        out += (out.empty() ? "" : ", ") + counted.event->spec().function;
    return out;
}

}  // namespace ftnt
