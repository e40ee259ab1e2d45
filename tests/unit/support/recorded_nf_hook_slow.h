// A path event as the decoder builds it from the 6.1 guest's nf_hook_slow kprobe (field values
// as the kprobe fetched them there), with the return value `ret`.
#pragma once

#include <cstdint>

#include "decode/path_event.h"

namespace ftnt::test {

inline PathEvent nf_hook_slow(int64_t ret) {
    PathEvent e;
    e.func = "nf_hook_slow";
    e.decode = DecodeAs::NfHook;
    e.skb = 0xffff888004a1c000;
    e.time_ns = 1'000'000'000;
    e.retval = ret;
    e.extra = {{"pf", "2"},
               {"hook", "1"},
               {"hook_count", "3"},
               {"hook_start", "1"},
               {"hook_fn0", "18446744072100000000"},
               {"hook_fn1", "18446744072100000016"},
               {"hook_fn2", "18446744072100000032"},
               {"hook_fn3", "0"}};
    return e;
}

}  // namespace ftnt::test
