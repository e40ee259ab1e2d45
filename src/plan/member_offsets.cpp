#include "plan/member_offsets.h"

#include <cstdint>
#include <exception>

namespace ftnt {

std::optional<std::string> resolve_member_offsets(const std::string& text,
                                                  const KernelTypes& types) {
    std::string out;
    std::size_t at = 0;
    while (true) {
        auto open = text.find('{', at);
        if (open == std::string::npos) break;
        auto close = text.find('}', open);
        if (close == std::string::npos) return std::nullopt;
        std::string path = text.substr(open + 1, close - open - 1);
        uint64_t add = 0;
        if (auto plus = path.find('+'); plus != std::string::npos) {
            try {
                add = std::stoull(path.substr(plus + 1), nullptr, 0);
            } catch (const std::exception&) {
                return std::nullopt;
            }
            path.resize(plus);
        }
        auto dot = path.find('.');
        if (dot == std::string::npos) return std::nullopt;
        auto member = types.member(path.substr(0, dot), path.substr(dot + 1));
        if (!member) return std::nullopt;
        out += text.substr(at, open - at) + std::to_string(member->byte_offset + add);
        at = close + 1;
    }
    return out + text.substr(at);
}

}  // namespace ftnt
