// The judge's data: diagnosis rules (kprobe-defs/diag-*.def, --rules DIR) and the message
// and advice for each drop reason (kprobe-defs/drop-reasons*.def), loaded and checked at start.
//
//   [rule NAME]                 a rule: at a point, when its condition holds, a finding
//   at = skb:kfree_skb          the catalog point it reads (tracepoint SYSTEM:EVENT or function)
//   when = reason == NO_SOCKET and l4 == TCP     terms FIELD OP VALUE joined by `and`
//   passed = ip_forward         the packet passed these points earlier (',' separated)
//   passed_when = field.type == 11   the passed points' events must hold this (their fields)
//   not_passed = ip_local_deliver
//   level = error               info, warn or error; `reason`: the drop reason's level
//   message = nothing listens on TCP port {dport}   {FIELD} is replaced by the event's value
//   advice = start the service on port {dport}
//   fallback = yes              only when no other rule fired at the same event
//
//   [reason NO_SOCKET]          a drop reason's words: {reason_message}, {reason_advice}
//   message = ...
//   advice = ...
//   level = warn                optional (default error): for rules with `level = reason`
// A bad entry stops the tool (exit 2) naming the file and line.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ftnettrace/diagnosis.h"
#include "judge/condition.h"

namespace ftnt {

struct DiagRule {
    std::string name;
    std::string at;
    Condition when;
    std::vector<std::string> passed, not_passed;
    Condition passed_when;  // on the event of each `passed` point (empty: always holds)
    DiagLevel level = DiagLevel::Info;
    bool level_of_reason = false;  // `level = reason`: the drop reason's own level
    std::string message, advice;
    bool fallback = false;
    std::string file;
    int line = 0;
    // A kprobe point (a function, not SYSTEM:EVENT): cannot run on a kernel without kprobes.
    bool needs_kprobes() const { return at.find(':') == std::string::npos; }
};

struct ReasonWords {
    std::string message, advice;
    DiagLevel level = DiagLevel::Error;  // `level`: how bad a drop for this reason is
};

class RuleBase {
  public:
    // The shipped rules (beside the catalog, or built into the binary as the catalog is)
    // plus, when given, every *.def file of the user's --rules directory.
    static RuleBase load(const std::string& rules_dir);
    void load_builtin();
    // `all`: every *.def file (a --rules directory); else only the judge's files
    // (diag-*.def, drop-reasons*.def) of a catalog directory.
    void load_directory(const std::string& dir, bool all);
    void load_text(const std::string& text, const std::string& file_name);

    const std::vector<DiagRule>& rules() const { return rules_; }
    // A reason's words, or a generic line for a name the table does not know.
    ReasonWords words_for(const std::string& reason) const;
    bool knows_reason(const std::string& reason) const { return reasons_.count(reason) != 0; }
    std::size_t reason_count() const { return reasons_.size(); }

  private:
    std::vector<DiagRule> rules_;
    std::map<std::string, ReasonWords> reasons_;
};

// The placeholders a message or advice may hold: the event fields of known_event_field(),
// and reason_message, reason_advice, firewall (the firewall step that dropped the packet,
// with --iptables-trace). Returns "" or why the text is not good.
std::string check_placeholders(const std::string& text);

}  // namespace ftnt
