#include "decode/address_namer.h"

namespace ftnt {

AddressNamer::AddressNamer(symbolize::Kallsyms symbols, const symbolize::DebugInfoOptions& debug)
    : symbols_(std::move(symbols)), symbolizer_(symbols_, debug) {}

std::vector<std::string> AddressNamer::status_lines() const {
    std::vector<std::string> lines;
    if (symbols_.addresses_hidden())
        lines.push_back(
            "symbols: /proc/kallsyms shows only zero addresses (kernel.kptr_restrict); "
            "locations are raw addresses. Set kernel.kptr_restrict=0 or 1 and run as root");
    lines.push_back(symbolizer_.status_line());
    return lines;
}

const NamedAddress& AddressNamer::name(uint64_t address, bool return_address) {
    uint64_t key = address ^ (return_address ? 1ull << 63 : 0);
    auto [it, added] = cache_.try_emplace(key);
    if (added) {
        const auto& resolved = symbolizer_.resolve(address, return_address);
        it->second.location = resolved.location;
        it->second.source = symbolize::format_frames(resolved.frames);
        if (!resolved.frames.empty()) {
            const auto& innermost = resolved.frames.front();
            it->second.line = innermost.file + ":" +
                              (innermost.line ? std::to_string(innermost.line) : std::string("?"));
        }
    }
    return it->second;
}

}  // namespace ftnt
