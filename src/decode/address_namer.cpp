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

namespace {

NamedAddress named(const symbolize::Symbolizer::Result& resolved) {
    NamedAddress out;
    out.location = resolved.location;
    out.source = symbolize::format_frames(resolved.frames);
    if (!resolved.frames.empty()) {
        const auto& innermost = resolved.frames.front();
        out.line = innermost.file + ":" +
                   (innermost.line ? std::to_string(innermost.line) : std::string("?"));
    }
    return out;
}

}  // namespace

const NamedAddress& AddressNamer::name(uint64_t address, symbolize::AddressKind kind) {
    uint64_t key = address ^ (kind == symbolize::AddressKind::return_address ? 1ull << 63 : 0);
    auto [it, added] = cache_.try_emplace(key);
    if (added) it->second = named(symbolizer_.resolve(address, kind));
    return it->second;
}

std::vector<std::string> AddressNamer::callchain(const std::vector<uint64_t>& callchain) {
    std::vector<std::string> out;
    for (const auto* frame : symbolizer_.resolve_callchain(callchain))
        out.push_back(named(*frame).with_line());
    return out;
}

}  // namespace ftnt
