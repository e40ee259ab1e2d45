// A rule's `when`: terms `FIELD OP VALUE` joined by `and`. VALUE may list alternatives
// (`reason == NO_SOCKET|NETFILTER_DROP`); `<`, `<=`, `>`, `>=` compare numbers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ftnt {

// A field's value at one event: absent when the event does not carry it.
using FieldLookup = std::function<std::optional<std::string>(const std::string& field)>;

class Condition {
  public:
    // "" is the condition that always holds. Returns "" when the text is good, else why not
    // (the rule loader adds file and line).
    std::string parse(const std::string& text);
    bool holds(const FieldLookup& lookup) const;
    bool empty() const { return terms_.empty(); }

  private:
    struct Term {
        std::string field, op;
        std::vector<std::string> values;
    };
    static bool term_holds(const Term& term, const std::string& value);
    std::vector<Term> terms_;
};

// The fields a condition or a message may name: the event's own (func, reason, ret, l4,
// saddr, daddr, sport, dport, dev, state, verdict, tcp_flags, len, netns) or `field.NAME`, a
// --kprobe/catalog fetcharg shown by name.
bool known_event_field(const std::string& field);
// The FIELD of a `{passed.FIELD}` placeholder (a field of the passed point's event), or
// nothing when the placeholder is not of that kind.
std::optional<std::string> passed_field(const std::string& placeholder);

}  // namespace ftnt
