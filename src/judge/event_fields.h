// The values a rule reads at one event of a packet (judge/condition.h names them).
#pragma once

#include <optional>
#include <string>

#include "decode/path_event.h"

namespace ftnt {

// The event's own value of `field`, or nothing when the event does not carry it. `reply`:
// the event's addresses are those of the answer to the packet (tcp:tcp_send_reset names the
// reset it sends for the skb), so the packet's own are the reverse.
std::optional<std::string> event_field(const PathEvent& event, const std::string& field,
                                       bool reply = false);
// Fields of the packet's headers (l4, saddr, daddr, sport, dport, tcp_flags): a tracepoint
// such as skb:kfree_skb carries none, so the judge takes them from the packet's other events.
bool header_field(const std::string& field);

}  // namespace ftnt
