// The judge: reads a finished packet (its events, drops and firewall steps) against the
// rule base and says what it found, at which level, and what to do.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "decode/address_namer.h"
#include "ftnettrace/diagnosis.h"
#include "judge/hook_blame.h"
#include "judge/rule_base.h"
#include "track/lifecycle.h"

namespace ftnt {

class Judge {
  public:
    // `reply_points`: the points whose addresses are the answer's (the catalog's
    // `addresses = reply`), read reversed as the packet's.
    Judge(const RuleBase& rules, AddressNamer& namer, std::set<std::string> reply_points = {})
        : rules_(rules), namer_(namer), reply_points_(std::move(reply_points)) {}
    Diagnosis judge(const Lifecycle& lifecycle);
    // The run's table points traced with their return, by the hook functions whose verdict
    // they give: a netfilter drop's finding names the hook that dropped (hook_blame.h).
    void blame_hooks_with(VerdictPoints verdict_points) {
        verdict_points_ = std::move(verdict_points);
    }
    // The rules that read a point this run does not trace, or need the packet to have
    // passed one (on a kernel without kprobes, every rule at a kernel function): they
    // cannot fire.
    std::vector<std::string> idle_rules(const std::set<std::string>& traced_points) const;

  private:
    Finding finding_of(const DiagRule& rule, const Lifecycle& lifecycle, std::size_t index);
    const RuleBase& rules_;
    AddressNamer& namer_;
    std::set<std::string> reply_points_;
    VerdictPoints verdict_points_;
};

// The packet's value of `field` at its event `index`: the event's own, else (for header
// fields) the nearest event of the packet that carries it.
std::optional<std::string> packet_field(const Lifecycle& lifecycle, std::size_t index,
                                        const std::string& field,
                                        const std::set<std::string>& reply_points);
// `text` with each {placeholder} replaced: fields by packet_field() ({FIELD|TEXT}: TEXT
// when the packet does not carry it, else "?"), {passed.FIELD} by the field of `passed`
// (the event of the rule's first passed point), reason_message/reason_advice by the
// reason's words, firewall by the step that dropped the packet (or a hint to run with
// --iptables-trace).
std::string fill_placeholders(const std::string& text, const Lifecycle& lifecycle,
                              std::size_t index, const RuleBase& rules,
                              const std::set<std::string>& reply_points,
                              const PathEvent* passed = nullptr);

}  // namespace ftnt
