#include <sstream>

#include "debug_image.h"
#include "debuginfo_paths.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {

Symbolizer::Symbolizer(const Kallsyms& symbols, const DebugInfoOptions& options)
    : symbols_(symbols), options_(options) {
    auto found = find_vmlinux(options_);
    if (!found.path.empty()) {
        try {
            vmlinux_ = DebugImage::open(found.path);
            auto runtime_text = symbols_.address_of("_text");
            auto image_text = vmlinux_->symbols_named("_text");
            if (runtime_text && !image_text.empty())
                slide_ = static_cast<int64_t>(*runtime_text - image_text.front().address);
        } catch (const std::exception& error) {
            found.why = error.what();
            vmlinux_.reset();
        }
    }
    if (vmlinux_ && !vmlinux_->has_lines()) {
        found.why = found.path + " has no DWARF line information";
        vmlinux_.reset();
    }
    status_ = vmlinux_ ? "source lines: from " + found.path
                       : "source lines: not available (" + found.why + "); locations are sym+off";
}

Symbolizer::~Symbolizer() = default;

std::string Symbolizer::status_line() const {
    return status_;
}

DebugImage* Symbolizer::module_image(const std::string& module) {
    auto it = modules_.find(module);
    if (it != modules_.end()) return it->second.get();
    std::unique_ptr<DebugImage> image;
    for (const auto& path : module_candidates(options_, module)) {
        try {
            image = DebugImage::open(path);
            if (image->has_lines()) break;
            image.reset();
        } catch (const std::exception&) {
        }
    }
    return (modules_[module] = std::move(image)).get();
}

std::vector<SourceFrame> Symbolizer::frames_for(uint64_t address) {
    if (!vmlinux_) return {};
    auto where = symbols_.lookup(address);
    if (!where) return {};
    const KernelSymbol& symbol = *where->symbol;
    if (symbol.module.empty())
        return vmlinux_->frames(static_cast<uint64_t>(static_cast<int64_t>(address) - slide_));
    // A module is relocatable: its symbol's place in the .ko plus the same offset.
    DebugImage* image = module_image(symbol.module);
    if (!image) return {};
    auto matches = image->symbols_named(symbol.name);
    if (matches.empty()) return {};
    return image->frames(matches.front().address + where->offset);
}

const Symbolizer::Result& Symbolizer::resolve(uint64_t address, bool return_address) {
    uint64_t key = address ^ (return_address ? 1ull << 63 : 0);
    auto [it, added] = cache_.try_emplace(key);
    if (!added) return it->second;
    it->second.location = describe_address(symbols_, address, false);
    it->second.frames = frames_for(return_address ? address - 1 : address);
    return it->second;
}

std::vector<std::string> format_frames(const std::vector<SourceFrame>& frames) {
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        std::ostringstream line;
        if (i) line << "(inlined by) ";
        line << frames[i].function << " at " << frames[i].file << ':';
        if (frames[i].line)
            line << frames[i].line;
        else
            line << '?';
        lines.push_back(line.str());
    }
    return lines;
}

}  // namespace ftnt::symbolize
