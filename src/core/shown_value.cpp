#include "core/shown_value.h"

#include <cstdio>

namespace ftnt {

std::string shown_value(const std::string& text, std::size_t max_bytes) {
    std::string shown;
    for (std::size_t i = 0; i < text.size() && i < max_bytes; ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            shown += static_cast<char>(byte);
        } else {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
            shown += escaped;
        }
    }
    if (text.size() > max_bytes) shown += "...";
    return shown;
}

}  // namespace ftnt
