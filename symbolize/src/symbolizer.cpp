#include <sstream>

#include "address_map.h"
#include "debug_image.h"
#include "debuginfo_paths.h"
#include "ftnettrace/symbolize.h"
#include "module_images.h"

namespace ftnt::symbolize {

Symbolizer::Symbolizer(const Kallsyms& symbols, const DebugInfoOptions& options)
    : symbols_(symbols), options_(options), modules_(std::make_unique<ModuleImages>(options)) {
    auto found = find_vmlinux(options_);
    if (!found.image) {
        status_ = "source lines: not available (" + found.why + "); locations are sym+off";
        return;
    }
    vmlinux_ = std::move(found.image);
    status_ = "source lines: from " + vmlinux_->path();
    if (!found.build_id_checked)
        status_ += " (build ID not checked: " + options_.notes_path + " unreadable)";
    auto image_text = vmlinux_->symbols_named("_text");
    auto slide = kaslr_slide(
        symbols_.address_of("_text"),
        image_text.empty() ? std::nullopt : std::optional<uint64_t>(image_text.front().address));
    if (slide)
        slide_ = *slide;
    else
        status_ += " (no _text to take the KASLR slide from: taken as 0)";
}

Symbolizer::~Symbolizer() = default;

std::string Symbolizer::status_line() const {
    return status_;
}

std::vector<SourceFrame> Symbolizer::frames_for(uint64_t address) {
    auto where = symbols_.lookup(address);
    if (!where) return {};
    const KernelSymbol& symbol = *where->symbol;
    if (symbol.module.empty())
        return vmlinux_ ? vmlinux_->frames(image_address(address, slide_))
                        : std::vector<SourceFrame>{};
    DebugImage* image = modules_->find(symbol.module);
    if (!image) return {};
    auto in_image = module_image_address(symbols_, *where, image->symbols_named(symbol.name));
    return in_image ? image->frames(*in_image) : std::vector<SourceFrame>{};
}

const Symbolizer::Result& Symbolizer::resolve(uint64_t address, AddressKind kind) {
    bool return_address = kind == AddressKind::return_address;
    uint64_t key = address ^ (return_address ? 1ull << 63 : 0);
    auto [it, added] = cache_.try_emplace(key);
    if (!added) return it->second;
    it->second.location = describe_address(symbols_, address, false);
    it->second.frames = frames_for(return_address ? address - 1 : address);
    return it->second;
}

// Every entry is looked up at address-1, the first too: a tracepoint's sample starts at its
// caller's return address (perf_fetch_caller_regs), and on x86 a kprobe's at the probed
// address + 1 (the int3 hit; kprobe_ftrace_handler sets regs->ip so too; seen on 6.1:
// ip_rcv+0x1), whose address-1 is the probed instruction itself.
std::vector<const Symbolizer::Result*> Symbolizer::resolve_callchain(
    const std::vector<uint64_t>& callchain) {
    std::vector<const Result*> out;
    for (uint64_t address : callchain)
        out.push_back(&resolve(address, AddressKind::return_address));
    return out;
}

std::vector<std::string> format_frames(const std::vector<SourceFrame>& frames) {
    std::vector<std::string> lines;
    for (const auto& frame : frames) {
        std::ostringstream line;
        if (frame.inlined_by) line << "(inlined by) ";
        line << frame.function << " at " << frame.file << ':';
        if (frame.line)
            line << frame.line;
        else
            line << '?';
        lines.push_back(line.str());
    }
    return lines;
}

}  // namespace ftnt::symbolize
