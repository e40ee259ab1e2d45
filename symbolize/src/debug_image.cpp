#include "debug_image.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace ftnt::symbolize {
namespace {

const Dwfl_Callbacks kOffline = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

std::string hex(const void* bytes, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < size; ++i) {
        auto b = static_cast<const unsigned char*>(bytes)[i];
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

// The file and line of an inlined call site (DW_AT_call_file is an index into the unit's
// file table).
bool call_site(Dwarf_Die* inlined, Dwarf_Die* unit, std::string& file, int& line) {
    Dwarf_Attribute attribute;
    Dwarf_Word file_index = 0, line_number = 0;
    if (!dwarf_attr(inlined, DW_AT_call_file, &attribute) ||
        dwarf_formudata(&attribute, &file_index) != 0)
        return false;
    if (!dwarf_attr(inlined, DW_AT_call_line, &attribute) ||
        dwarf_formudata(&attribute, &line_number) != 0)
        return false;
    Dwarf_Files* files = nullptr;
    size_t count = 0;
    if (dwarf_getsrcfiles(unit, &files, &count) != 0 || file_index >= count) return false;
    const char* name = dwarf_filesrc(files, file_index, nullptr, nullptr);
    if (!name) return false;
    file = name;
    line = static_cast<int>(line_number);
    return true;
}

// The name of a function scope, following DW_AT_abstract_origin: gcc names the abstract
// definition and points the concrete (inlined or out-of-line) instances at it.
const char* die_name(Dwarf_Die* die) {
    Dwarf_Attribute attribute;
    if (dwarf_attr_integrate(die, DW_AT_name, &attribute)) return dwarf_formstring(&attribute);
    return nullptr;
}

}  // namespace

std::unique_ptr<DebugImage> DebugImage::open(const std::string& path) {
    std::unique_ptr<DebugImage> image(new DebugImage());
    image->path_ = path;
    image->dwfl_ = dwfl_begin(&kOffline);
    if (!image->dwfl_) throw std::runtime_error("libdwfl: " + std::string(dwfl_errmsg(-1)));
    image->module_ = dwfl_report_offline(image->dwfl_, path.c_str(), path.c_str(), -1);
    dwfl_report_end(image->dwfl_, nullptr, nullptr);
    if (!image->module_) throw std::runtime_error("cannot read " + path + ": " + dwfl_errmsg(-1));
    image->index_symbols();
    return image;
}

DebugImage::~DebugImage() {
    dwfl_end(dwfl_);
}

std::string DebugImage::build_id() const {
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr;
    int size = dwfl_module_build_id(module_, &bits, &vaddr);
    return size > 0 ? hex(bits, static_cast<std::size_t>(size)) : "";
}

uint64_t DebugImage::bias() const {
    GElf_Addr bias = 0;
    dwfl_module_getelf(module_, &bias);
    return bias;
}

bool DebugImage::has_lines() const {
    Dwarf_Addr bias;
    return dwfl_module_getdwarf(module_, &bias) != nullptr;
}

void DebugImage::index_symbols() {
    struct Entry {
        Symbol symbol;
        GElf_Word section;
        bool function;
    };
    std::vector<Entry> entries;
    int count = dwfl_module_getsymtab(module_);
    for (int i = 0; i < count; ++i) {
        GElf_Sym sym;
        GElf_Addr address;
        GElf_Word section;
        const char* name =
            dwfl_module_getsym_info(module_, i, &sym, &address, &section, nullptr, nullptr);
        if (!name || !*name || section == SHN_UNDEF || section == SHN_ABS) continue;
        int type = GELF_ST_TYPE(sym.st_info);
        if (type != STT_FUNC && type != STT_NOTYPE) continue;
        entries.push_back({{name, address, sym.st_size}, section, type == STT_FUNC});
    }
    // Among symbols at one address the function comes last, so the nearest-symbol lookup
    // names it rather than a label like _text.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.symbol.address != b.symbol.address ? a.symbol.address < b.symbol.address
                                                    : a.function < b.function;
    });
    // kallsyms semantics: a symbol runs to the next symbol at a higher address in its section
    // (the last one of a section keeps its ELF size).
    for (std::size_t i = 0; i < entries.size(); ++i) {
        for (std::size_t j = i + 1; j < entries.size(); ++j) {
            if (entries[j].section != entries[i].section ||
                entries[j].symbol.address == entries[i].symbol.address)
                continue;
            entries[i].symbol.size = entries[j].symbol.address - entries[i].symbol.address;
            break;
        }
        symbols_.push_back(entries[i].symbol);
    }
}

std::vector<DebugImage::Symbol> DebugImage::symbols_named(const std::string& name) const {
    std::vector<Symbol> out;
    for (const auto& symbol : symbols_)
        if (symbol.name == name) out.push_back(symbol);
    return out;
}

std::string DebugImage::nearest_symbol(uint64_t address) const {
    auto after = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                  [](uint64_t a, const Symbol& s) { return a < s.address; });
    if (after == symbols_.begin()) return "??";
    const Symbol& symbol = *std::prev(after);
    return address < symbol.address + std::max<uint64_t>(symbol.size, 1) ? symbol.name : "??";
}

std::vector<SourceFrame> DebugImage::frames(uint64_t address) const {
    std::vector<SourceFrame> out;
    Dwarf_Addr bias = 0;
    // Copied: the DIE libdwfl returns lives in storage its next lookup may reuse.
    Dwarf_Die unit_die;
    Dwarf_Die* found_unit = dwfl_module_addrdie(module_, address, &bias);
    if (found_unit) unit_die = *found_unit;
    Dwarf_Die* unit = found_unit ? &unit_die : nullptr;
    Dwfl_Line* line = dwfl_module_getsrc(module_, address);
    if (!line) {
        // No line covers it (padding): the unit's file at best, and the nearest symbol.
        const char* file = unit ? dwarf_diename(unit) : nullptr;
        out.push_back({nearest_symbol(address), file ? file : "??", 0});
        return out;
    }
    int line_number = 0;
    const char* file = dwfl_lineinfo(line, nullptr, &line_number, nullptr, nullptr, nullptr);
    std::string current_file = file ? file : "??";
    int current_line = line_number;
    if (!unit) {
        out.push_back({nearest_symbol(address), current_file, current_line});
        return out;
    }
    // The innermost function scope at the address; for an inlined instance, its parents in
    // the concrete tree (dwarf_getscopes gives the abstract definition's scopes instead).
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(unit, address - bias, &scopes);
    int innermost = -1;
    for (int i = 0; i < n && innermost < 0; ++i) {
        int tag = dwarf_tag(&scopes[i]);
        if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) innermost = i;
    }
    Dwarf_Die* chain = nullptr;
    int depth = innermost < 0 ? 0 : dwarf_getscopes_die(&scopes[innermost], &chain);
    for (int i = 0; i < depth; ++i) {
        int tag = dwarf_tag(&chain[i]);
        if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine) continue;
        const char* name = die_name(&chain[i]);
        out.push_back({name ? name : "??", current_file, current_line});
        if (tag == DW_TAG_subprogram) break;
        if (!call_site(&chain[i], unit, current_file, current_line)) break;
    }
    std::free(chain);
    std::free(scopes);
    if (out.empty()) {
        // No DWARF scope covers it (the padding after a function, or a hole in its ranges):
        // the line table still does, and the nearest symbol names it, as addr2line does.
        out.push_back({nearest_symbol(address), current_file, current_line});
    }
    return out;
}

std::string build_id_from_notes(const std::string& notes) {
    // ELF notes: u32 namesz, u32 descsz, u32 type, name (4-aligned), desc (4-aligned).
    std::size_t at = 0;
    auto align = [](std::size_t n) { return (n + 3) & ~std::size_t{3}; };
    while (at + 12 <= notes.size()) {
        uint32_t namesz, descsz, type;
        std::memcpy(&namesz, notes.data() + at, 4);
        std::memcpy(&descsz, notes.data() + at + 4, 4);
        std::memcpy(&type, notes.data() + at + 8, 4);
        std::size_t name_at = at + 12, desc_at = name_at + align(namesz);
        if (desc_at + descsz > notes.size()) break;
        if (type == 3 /* NT_GNU_BUILD_ID */ && namesz == 4 &&
            std::memcmp(notes.data() + name_at, "GNU", 4) == 0)
            return hex(notes.data() + desc_at, descsz);
        at = desc_at + align(descsz);
    }
    return "";
}

}  // namespace ftnt::symbolize
