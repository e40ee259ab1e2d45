// What a --drop run takes from the command line: made once by cli/run_options.
#pragma once

#include <cstdint>
#include <string>

#include "ftnettrace/packet_filter.h"

namespace ftnt {

struct DropRunOptions {
    filters::FilterFlags filter;           // -s -d --addr -S -D -P and --proto, raw text
    std::string reasons, exclude_reasons;  // --reason, --exclude-reason
    uint32_t pid = 0;                      // --pid
    bool stack = false;                    // --drop-stack
    bool summary = false;                  // --summary
    std::string btf, vmlinux;              // struct offsets for the drop-point kprobe
};

}  // namespace ftnt
