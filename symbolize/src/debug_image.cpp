#include "debug_image.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <stdexcept>

#include "build_id.h"
#include "module_file.h"

namespace ftnt::symbolize {
namespace {

const Dwfl_Callbacks kOffline = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = nullptr,
};

struct Entry {
    DebugImage::Symbol symbol;
    GElf_Word section;
    bool function;
};

// Among symbols at one address the function comes last, so the nearest-symbol lookup names
// it rather than a label like _text.
bool address_order(const Entry& a, const Entry& b) {
    if (a.symbol.address != b.symbol.address) return a.symbol.address < b.symbol.address;
    return a.function < b.function;
}

// kallsyms semantics: a symbol runs to the next higher address of its section (the last
// one of a section keeps its ELF size).
void size_like_kallsyms(std::vector<Entry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.section != b.section ? a.section < b.section : address_order(a, b);
    });
    for (std::size_t i = entries.size(); i-- > 0;) {
        std::size_t next = i + 1;
        while (next < entries.size() && entries[next].section == entries[i].section &&
               entries[next].symbol.address == entries[i].symbol.address)
            ++next;
        if (next < entries.size() && entries[next].section == entries[i].section)
            entries[i].symbol.size = entries[next].symbol.address - entries[i].symbol.address;
    }
    std::stable_sort(entries.begin(), entries.end(), address_order);
}

}  // namespace

std::unique_ptr<DebugImage> DebugImage::open(const std::string& path) {
    std::unique_ptr<DebugImage> image(new DebugImage());
    image->path_ = path;
    UniqueFd fd = open_elf_file(path);
    image->dwfl_ = dwfl_begin(&kOffline);
    if (!image->dwfl_) throw std::runtime_error("libdwfl: " + std::string(dwfl_errmsg(-1)));
    // libdwfl owns the descriptor from here: it closes it in dwfl_end, or at once on failure.
    image->module_ = dwfl_report_offline(image->dwfl_, path.c_str(), path.c_str(), fd.release());
    dwfl_report_end(image->dwfl_, nullptr, nullptr);
    if (!image->module_) throw std::runtime_error("cannot read " + path + ": " + dwfl_errmsg(-1));
    GElf_Addr bias = 0;
    Elf* elf = dwfl_module_getelf(image->module_, &bias);
    GElf_Ehdr header;
    image->relocatable_ = elf && gelf_getehdr(elf, &header) && header.e_type == ET_REL;
    image->index_symbols();
    image->lines_ = std::make_unique<LineResolver>(
        image->module_,
        [raw = image.get()](uint64_t address) { return raw->nearest_symbol(address); });
    return image;
}

DebugImage::~DebugImage() {
    dwfl_end(dwfl_);
}

std::string DebugImage::build_id() const {
    const unsigned char* bits = nullptr;
    GElf_Addr vaddr;
    int size = dwfl_module_build_id(module_, &bits, &vaddr);
    return size > 0 ? hex_bytes(bits, static_cast<std::size_t>(size)) : "";
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
    size_like_kallsyms(entries);
    symbols_.reserve(entries.size());
    for (auto& entry : entries) {
        by_name_[entry.symbol.name].push_back(symbols_.size());
        symbols_.push_back(std::move(entry.symbol));
    }
}

std::vector<DebugImage::Symbol> DebugImage::symbols_named(const std::string& name) const {
    std::vector<Symbol> out;
    if (auto it = by_name_.find(name); it != by_name_.end())
        for (auto index : it->second) out.push_back(symbols_[index]);
    return out;
}

DebugImage::SectionOffset DebugImage::section_offset(uint64_t address) const {
    Dwarf_Addr relative = address;
    int index = dwfl_module_relocate_address(module_, &relative);
    GElf_Word section_index = 0;
    const char* name = index < 0 ? nullptr
                                 : dwfl_module_relocation_info(
                                       module_, static_cast<unsigned>(index), &section_index);
    return {name ? name : "", relative};
}

std::string DebugImage::nearest_symbol(uint64_t address) const {
    auto after = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                  [](uint64_t a, const Symbol& s) { return a < s.address; });
    if (after == symbols_.begin()) return "??";
    const Symbol& symbol = *std::prev(after);
    return address < symbol.address + std::max<uint64_t>(symbol.size, 1) ? symbol.name : "??";
}

std::vector<SourceFrame> DebugImage::frames(uint64_t address) const {
    return lines_->frames(address);
}

}  // namespace ftnt::symbolize
