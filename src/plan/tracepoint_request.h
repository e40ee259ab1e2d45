// A tracepoint (or kprobe event) the plan asks the reader to open, with its in-kernel filter.
#pragma once

#include <cstdint>
#include <string>

namespace ftnt {

struct TracepointRequest {
    std::string system;
    std::string name;
    uint64_t tracepoint_id = 0;
    std::string filter;  // ftrace filter syntax, "" for none
    bool callchain = false;
};

}  // namespace ftnt
