#include "judge/judge.h"

#include <algorithm>

#include "judge/event_fields.h"

namespace ftnt {
namespace {

// The packet's latest event at `point` before its event `index` that holds `when` (its own
// fields: the ICMP type of the icmp_send it passed, say), or null.
const PathEvent* passed_before(const Lifecycle& lifecycle, std::size_t index,
                               const std::string& point, const Condition& when) {
    for (std::size_t i = index; i-- > 0;) {
        const PathEvent& e = lifecycle.events[i];
        if (e.func != point) continue;
        auto own = [&](const std::string& field) { return event_field(e, field, false); };
        if (when.holds(own)) return &e;
    }
    return nullptr;
}

bool path_holds(const DiagRule& rule, const Lifecycle& lifecycle, std::size_t index) {
    for (const auto& point : rule.passed)
        if (!passed_before(lifecycle, index, point, rule.passed_when)) return false;
    for (const auto& point : rule.not_passed)
        if (passed_before(lifecycle, index, point, Condition())) return false;
    return true;
}

// The firewall step that dropped the packet, as the user wrote the rule.
std::string firewall_text(const Lifecycle& lifecycle) {
    for (const auto& step : lifecycle.firewall) {
        if (step.verdict != "DROP" && step.verdict != "drop") continue;
        std::string text = step.backend + " " + step.table + ":" + step.chain;
        if (step.rule) text += " rule " + std::to_string(*step.rule);
        if (step.kind == "policy") text += " (the chain's policy)";
        if (!step.rule_text.empty()) text += ": " + step.rule_text;
        return text;
    }
    return "which rule is not known (--iptables-trace names it where its steps join the "
           "packet's path: kernels with kprobes)";
}

}  // namespace

std::optional<std::string> packet_field(const Lifecycle& lifecycle, std::size_t index,
                                        const std::string& field,
                                        const std::set<std::string>& reply_points) {
    const auto& events = lifecycle.events;
    auto at = [&](std::size_t i) {
        return event_field(events[i], field, reply_points.count(events[i].func) != 0);
    };
    if (auto own = at(index); own || !header_field(field)) return own;
    for (std::size_t i = index; i-- > 0;)
        if (auto value = at(i)) return value;
    for (std::size_t i = index + 1; i < events.size(); ++i)
        if (auto value = at(i)) return value;
    return std::nullopt;
}

std::string fill_placeholders(const std::string& text, const Lifecycle& lifecycle,
                              std::size_t index, const RuleBase& rules,
                              const std::set<std::string>& reply_points, const PathEvent* passed) {
    std::string out;
    std::size_t at = 0;
    for (auto open = text.find('{'); open != std::string::npos; open = text.find('{', at)) {
        auto close = text.find('}', open);
        if (close == std::string::npos) break;
        out += text.substr(at, open - at);
        std::string name = text.substr(open + 1, close - open - 1);
        std::string fallback = "?";
        if (auto bar = name.find('|'); bar != std::string::npos) {
            fallback = name.substr(bar + 1);
            name.resize(bar);
        }
        auto reason = lifecycle.events[index].reason.value_or("");
        if (name == "reason_message")
            out += rules.words_for(reason).message;
        else if (name == "reason_advice")
            out += rules.words_for(reason).advice;
        else if (name == "firewall")
            out += firewall_text(lifecycle);
        else if (auto field = passed_field(name))
            out += (passed ? event_field(*passed, *field, false) : std::nullopt).value_or(fallback);
        else
            out += packet_field(lifecycle, index, name, reply_points).value_or(fallback);
        at = close + 1;
    }
    return out + text.substr(std::min(at, text.size()));
}

Finding Judge::finding_of(const DiagRule& rule, const Lifecycle& lifecycle, std::size_t index) {
    const PathEvent& e = lifecycle.events[index];
    Finding f;
    f.level = rule.level_of_reason ? rules_.words_for(e.reason.value_or("")).level : rule.level;
    f.rule = rule.name;
    f.where = e.func;
    f.time_ns = e.time_ns;
    f.reason = e.reason.value_or("");
    if (e.location) {
        // A free's location is a return address: its line is the call's.
        const auto& named = namer_.name(e.location, symbolize::AddressKind::return_address);
        f.location = named.location;
        f.source = named.line;
    }
    if (is_netfilter_drop(e))
        f.blame = blame_hook(lifecycle, index, verdict_points_, [this](uint64_t address) {
            const auto& location = namer_.name(address).location;
            return location.substr(0, location.find('+'));
        });
    const PathEvent* passed =
        rule.passed.empty() ? nullptr
                            : passed_before(lifecycle, index, rule.passed[0], rule.passed_when);
    f.message = fill_placeholders(rule.message, lifecycle, index, rules_, reply_points_, passed);
    f.advice = fill_placeholders(rule.advice, lifecycle, index, rules_, reply_points_, passed);
    return f;
}

Diagnosis Judge::judge(const Lifecycle& lifecycle) {
    Diagnosis diagnosis;
    diagnosis.skb = lifecycle.first_skb;
    for (std::size_t i = 0; i < lifecycle.events.size(); ++i) {
        const PathEvent& e = lifecycle.events[i];
        auto lookup = [&](const std::string& field) {
            return packet_field(lifecycle, i, field, reply_points_);
        };
        bool fired = false;
        std::vector<const DiagRule*> fallbacks;
        for (const auto& rule : rules_.rules()) {
            if (rule.at != e.func || !path_holds(rule, lifecycle, i) || !rule.when.holds(lookup))
                continue;
            if (rule.fallback) {
                fallbacks.push_back(&rule);
                continue;
            }
            diagnosis.findings.push_back(finding_of(rule, lifecycle, i));
            fired = true;
        }
        if (!fired)
            for (const auto* rule : fallbacks)
                diagnosis.findings.push_back(finding_of(*rule, lifecycle, i));
    }
    return diagnosis;
}

std::vector<std::string> Judge::idle_rules(const std::set<std::string>& traced_points) const {
    std::vector<std::string> idle;
    for (const auto& rule : rules_.rules()) {
        bool runs = traced_points.count(rule.at) != 0;
        for (const auto& point : rule.passed) runs = runs && traced_points.count(point) != 0;
        if (!runs) idle.push_back(rule.name);
    }
    return idle;
}

}  // namespace ftnt
