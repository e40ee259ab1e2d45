// The conditions every kprobe point can check in the kernel on the fields it always fetches.
#pragma once

#include <cstdint>
#include <string>

namespace ftnt {

struct CommonFilterInput {
    uint32_t netns = 0;         // 0: any namespace
    bool socket_netns = false;  // the point fetches skns (the socket's netns) too
    std::string pkt_len;        // --pkt-len: "N" or "N-M", "" for any
    bool has_len = true;        // the point fetches len
};

// "netns == 4026531840 || netns == 0", joined with the length clause; bad --pkt-len throws
// UsageError.
std::string common_kernel_filter(const CommonFilterInput& in);

}  // namespace ftnt
