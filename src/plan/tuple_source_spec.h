// What a catalog line with join=drop says about its tracepoint, handed on by the plan to
// decode/tuple_source (which does not read the catalog).
#pragma once

#include <string>

namespace ftnt {

// What a catalog line with join=drop says about its tracepoint.
struct TupleSourceSpec {
    std::string name;                  // "tcp:tcp_send_reset"
    std::string where;                 // "file.def:12", named in errors
    std::string skb = "skbaddr";       // skb=: the field with the skb's address
    std::string addresses = "packet";  // addresses=: packet, or reply (the packet answered)
    std::string l4;                    // l4=: the transport, "" when the event does not say
    std::string require;               // require=: a field that must be non-zero, or ""
};

}  // namespace ftnt
