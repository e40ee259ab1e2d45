// The conditions every kprobe point can check in the kernel on the fields it always fetches.
#pragma once

#include <cstdint>
#include <string>

namespace ftnt {

// Where a kprobe point reads the netns from: skb->dev, else skb->sk (skns), or its socket
// argument (socket-only points).
enum class NetnsFrom { Device, DeviceOrSocket, Socket };

struct CommonFilterInput {
    uint32_t netns = 0;  // 0: any namespace
    NetnsFrom from = NetnsFrom::Device;
    std::string pkt_len;  // --pkt-len: "N" or "N-M", "" for any
    bool has_len = true;  // the point fetches len
};

// "(devp != 0 && netns == 4026531840) || devp == 0", joined with the length clause; bad --pkt-len
// throws UsageError.
std::string common_kernel_filter(const CommonFilterInput& in);

}  // namespace ftnt
