// Kernel addresses to source lines: sym+off from /proc/kallsyms, then the vmlinux (through the
// KASLR slide) or the module's .ko, then file:line with the whole inline chain from DWARF,
// innermost first, as the kernel's scripts/faddr2line prints it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <unordered_map>
#include <vector>

#include "ftnettrace/kallsyms.h"

namespace ftnt::symbolize {

struct SourceFrame {
    std::string function;
    std::string file;
    int line = 0;
};

struct DebugInfoOptions {
    std::string vmlinux;                           // --vmlinux; empty: the usual debuginfo places
    std::string kernel_release;                    // uname -r
    std::string notes_path = "/sys/kernel/notes";  // the running kernel's build ID
    std::string modules_root = "/lib/modules";
    std::string debug_root = "/usr/lib/debug";
};

class DebugImage;

class Symbolizer {
  public:
    // Never throws for missing debug info: status_line() says what is missing.
    Symbolizer(const Kallsyms& symbols, const DebugInfoOptions& options);
    ~Symbolizer();
    Symbolizer(const Symbolizer&) = delete;
    Symbolizer& operator=(const Symbolizer&) = delete;

    std::string status_line() const;
    bool has_source_lines() const { return vmlinux_ != nullptr; }

    struct Result {
        std::string location;             // "tcp_v4_rcv+0x91"
        std::vector<SourceFrame> frames;  // innermost first; empty without debug info
    };
    // return_address: a stack frame after the first, looked up at addr-1 (the call itself).
    const Result& resolve(uint64_t address, bool return_address = false);

  private:
    std::vector<SourceFrame> frames_for(uint64_t address);
    DebugImage* module_image(const std::string& module);

    const Kallsyms& symbols_;
    DebugInfoOptions options_;
    std::unique_ptr<DebugImage> vmlinux_;
    int64_t slide_ = 0;
    std::string status_;
    std::map<std::string, std::unique_ptr<DebugImage>> modules_;  // null: no debug info
    std::unordered_map<uint64_t, Result> cache_;
};

// `ftnettrace faddr2line [--vmlinux FILE] FUNC+0xOFF[/0xSIZE]|0xADDR ...`: every symbol of
// that name is tried, a size that does not match is said, an offset past the end is an error.
// Raw addresses are runtime addresses of the running kernel (kallsyms and the KASLR slide).
// Returns the process exit code (0, 1 when an input could not be resolved, 2 bad input).
int run_faddr2line(const std::vector<std::string>& inputs, const DebugInfoOptions& options,
                   const Kallsyms& symbols, std::ostream& out, std::ostream& err);

// "func at file:line" / "(inlined by) func at file:line", innermost first.
std::vector<std::string> format_frames(const std::vector<SourceFrame>& frames);

}  // namespace ftnt::symbolize
