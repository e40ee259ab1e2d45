#include "address_map.h"

#include <algorithm>

namespace ftnt::symbolize {

std::optional<int64_t> kaslr_slide(std::optional<uint64_t> runtime_text,
                                   std::optional<uint64_t> image_text) {
    if (!runtime_text || !image_text) return std::nullopt;
    return static_cast<int64_t>(*runtime_text - *image_text);
}

uint64_t image_address(uint64_t runtime_address, int64_t slide) {
    return runtime_address - static_cast<uint64_t>(slide);
}

std::optional<uint64_t> module_image_address(const Kallsyms& symbols, const SymbolOffset& where,
                                             const std::vector<DebugImage::Symbol>& in_image) {
    if (in_image.empty()) return std::nullopt;
    const KernelSymbol& symbol = *where.symbol;
    std::vector<const DebugImage::Symbol*> same_size;
    for (const auto& candidate : in_image)
        if (candidate.size == symbol.size) same_size.push_back(&candidate);
    if (in_image.size() == 1 || same_size.size() == 1) {
        const auto& chosen = in_image.size() == 1 ? in_image.front() : *same_size.front();
        return chosen.address + where.offset;
    }
    std::size_t rank = 0;
    for (const auto* other : symbols.find(symbol.name)) {
        if (other == &symbol) break;
        if (other->module == symbol.module) ++rank;
    }
    return in_image[std::min(rank, in_image.size() - 1)].address + where.offset;
}

}  // namespace ftnt::symbolize
