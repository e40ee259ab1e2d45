// A kprobe or kretprobe the plan asks for: its name in the run's group, the probed symbol and
// its fetchargs. attach/dynamic_event creates it in the kernel.
#pragma once

#include <string>

namespace ftnt {

struct KprobeSpec {
    std::string event;      // name inside the group
    std::string function;   // probed symbol, optionally "+offset"
    std::string fetchargs;  // "skb=$arg1:x64 len=+112($arg1):u32 ..."
    bool is_return = false;
};

// The kprobe_events line of a spec: "p:GROUP/EVENT FUNCTION FETCHARGS" ("r:" for a return).
std::string kprobe_definition(const std::string& group, const KprobeSpec& spec);

}  // namespace ftnt
