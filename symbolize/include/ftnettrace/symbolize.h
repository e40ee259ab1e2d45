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
    std::string file;         // as the DWARF names it: kernel-tree relative for a Debian vmlinux
    int line = 0;             // 0: no line information
    bool inlined_by = false;  // a caller the frame before was inlined into
};

struct DebugInfoOptions {
    std::string vmlinux;                           // --vmlinux; empty: the usual debuginfo places
    std::string kernel_release;                    // uname -r
    std::string notes_path = "/sys/kernel/notes";  // the running kernel's build ID
    std::string modules_root = "/lib/modules";
    std::string debug_root = "/usr/lib/debug";
    std::string sys_module_root = "/sys/module";  // loaded modules' build IDs (notes/)
};

class DebugImage;
class ModuleImages;

// Where a kernel address points, which decides where its source line is looked up.
enum class AddressKind {
    instruction,     // the instruction itself: a user's faddr2line input, a function address
    return_address,  // the instruction after a call (a drop location, a stack frame): its line
                     // is the call's, looked up at address-1 as perf and the kernel's %pB do
};

class Symbolizer {
  public:
    // Opens the running kernel's vmlinux when one is found whose build ID matches
    // notes_path (a named --vmlinux of another build is refused too). Never throws for
    // missing or refused debug info: status_line() says what is missing and what to do.
    Symbolizer(const Kallsyms& symbols, const DebugInfoOptions& options);
    ~Symbolizer();
    Symbolizer(const Symbolizer&) = delete;
    Symbolizer& operator=(const Symbolizer&) = delete;

    // "source lines: from FILE", or "source lines: not available (why); locations are sym+off".
    std::string status_line() const;
    bool has_source_lines() const { return vmlinux_ != nullptr; }

    struct Result {
        std::string location;             // "tcp_v4_rcv+0x91", "veth_xmit+0x10 [veth]"
        std::vector<SourceFrame> frames;  // innermost first; empty without debug info
    };
    // address: a runtime kernel address; location is always sym+off of the address as given.
    // Cached per (address, kind); the reference stays valid for the Symbolizer's life.
    const Result& resolve(uint64_t address, AddressKind kind = AddressKind::instruction);
    // A kernel callchain as perf records it (PERF_SAMPLE_CALLCHAIN), innermost first: every
    // entry is an address after the instruction that led there, looked up at address-1.
    std::vector<const Result*> resolve_callchain(const std::vector<uint64_t>& callchain);

  private:
    std::vector<SourceFrame> frames_for(uint64_t address);

    const Kallsyms& symbols_;
    DebugInfoOptions options_;
    std::unique_ptr<DebugImage> vmlinux_;
    std::unique_ptr<ModuleImages> modules_;
    int64_t slide_ = 0;
    std::string status_;
    std::unordered_map<uint64_t, Result> cache_;
};

// `ftnettrace faddr2line [--vmlinux FILE] FUNC+0xOFF[/0xSIZE]|0xADDR ...`, printed as the
// kernel's scripts/faddr2line prints it ("FUNC+0xOFF/0xSIZE:" then "func at file:line" and
// "(inlined by) func at file:line" lines). Every symbol of that name is tried, one whose size
// differs from /0xSIZE is skipped with a message, an offset past the end is an error.
//
// Build IDs: FUNC+0xOFF names a place in the file itself, so a --vmlinux FILE (a vmlinux or a
// module's .ko) is used whatever its build ID (it may come from another machine's oops).
// A raw 0xADDR is a runtime address of the running kernel: it goes through /proc/kallsyms and
// the KASLR slide, which is only meaningful in the running kernel's own vmlinux, so there a
// --vmlinux FILE whose build ID differs from notes_path is refused (exit 1, with the reason).
// Without --vmlinux both forms use the running kernel's vmlinux found as Symbolizer finds it.
// FUNC+0xOFF of a module function (not in the vmlinux, listed in kallsyms) uses its .ko.
// Returns the process exit code: 0, 1 when an input could not be resolved, 2 on bad input.
int run_faddr2line(const std::vector<std::string>& inputs, const DebugInfoOptions& options,
                   const Kallsyms& symbols, std::ostream& out, std::ostream& err);
// The same, reading /proc/kallsyms only when an input is a raw address.
int run_faddr2line(const std::vector<std::string>& inputs, const DebugInfoOptions& options,
                   std::ostream& out, std::ostream& err);

// "func at file:line" / "(inlined by) func at file:line", innermost first.
std::vector<std::string> format_frames(const std::vector<SourceFrame>& frames);

}  // namespace ftnt::symbolize
