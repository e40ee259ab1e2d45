#include "build_id.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

namespace ftnt::symbolize {

std::string hex_bytes(const void* bytes, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < size; ++i) {
        auto b = static_cast<const unsigned char*>(bytes)[i];
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::string build_id_from_notes(const std::string& notes) {
    // ELF notes: u32 namesz, u32 descsz, u32 type, name and desc each padded to 4 bytes.
    constexpr uint32_t kGnuBuildId = 3;
    auto align = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
    std::size_t at = 0;
    while (at + 12 <= notes.size()) {
        uint32_t namesz, descsz, type;
        std::memcpy(&namesz, notes.data() + at, 4);
        std::memcpy(&descsz, notes.data() + at + 4, 4);
        std::memcpy(&type, notes.data() + at + 8, 4);
        std::size_t name_at = at + 12, desc_at = name_at + align(namesz);
        if (desc_at > notes.size() || descsz > notes.size() - desc_at) break;
        if (type == kGnuBuildId && namesz == 4 &&
            std::memcmp(notes.data() + name_at, "GNU", 4) == 0)
            return hex_bytes(notes.data() + desc_at, descsz);
        at = desc_at + align(descsz);
    }
    return "";
}

std::string running_build_id(const std::string& notes_path) {
    std::ifstream in(notes_path, std::ios::binary);
    std::ostringstream notes;
    notes << in.rdbuf();
    return build_id_from_notes(notes.str());
}

std::string build_id_mismatch(const std::string& path, const std::string& file_id,
                              const std::string& running_id) {
    if (file_id.empty() || running_id.empty() || file_id == running_id) return "";
    return path + " is another build (build ID " + file_id + ", the running kernel's is " +
           running_id + ")";
}

}  // namespace ftnt::symbolize
