// What the judge found about one packet (or one drop): the record output/ formats as the
// ANALYSIS RESULT block (text) or a "type":"diagnosis" object (JSON).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ftnt {

enum class DiagLevel { Info, Warn, Error };

// "INFO", "WARN", "ERROR"
const char* diag_level_name(DiagLevel level);

struct Finding {
    DiagLevel level = DiagLevel::Info;
    std::string rule;      // the rule's name ("tcp-port-closed")
    std::string where;     // the point it fired at ("skb:kfree_skb", "ip_forward")
    std::string location;  // a free's location, "tcp_v4_rcv+0x91" ("" when none)
    std::string source;    // its source line, "net/ipv4/tcp_ipv4.c:2270" ("" without debug info)
    std::string reason;    // the drop reason at that point ("" when none)
    std::string message;
    std::string advice;  // "" when the rule gives none
    // At a netfilter drop: the hook that returned NF_DROP ("ipt_do_table (2.filter.INPUT.DROP)",
    // or the hooks it is one of), "" when not known.
    std::string blame;
    uint64_t time_ns = 0;
};

struct Diagnosis {
    uint64_t skb = 0;  // the packet's first skb address (0 for a drop record of --drop)
    std::vector<Finding> findings;
    // The highest level found (Info when there is no finding).
    DiagLevel worst() const;
    // A finding at WARN or ERROR: what --diag-quiet shows.
    bool abnormal() const { return worst() != DiagLevel::Info; }
};

}  // namespace ftnt
