// One ELF file with DWARF (a vmlinux, or a module's .ko, relocatable: libdwfl lays its
// sections out at addresses of its own), read with libdwfl: its symbols by name and its
// source lines by address.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "dwarf_lines.h"
#include "ftnettrace/symbolize.h"

struct Dwfl;
struct Dwfl_Module;

namespace ftnt::symbolize {

class DebugImage {
  public:
    // Compressed files (.xz, .zst) are read too. Throws std::runtime_error saying why the
    // file cannot be used.
    static std::unique_ptr<DebugImage> open(const std::string& path);
    ~DebugImage();
    DebugImage(const DebugImage&) = delete;
    DebugImage& operator=(const DebugImage&) = delete;

    const std::string& path() const { return path_; }
    std::string build_id() const;  // hex, "" when the file has none
    bool has_lines() const;
    bool relocatable() const { return relocatable_; }  // ET_REL: a .ko or a .o
    // What libdwfl added to the file's addresses (0 for a vmlinux or a non-PIE program).
    uint64_t bias() const;

    struct Symbol {
        std::string name;
        uint64_t address = 0;  // in libdwfl's layout: file address + bias
        uint64_t size = 0;     // up to the next symbol of its section, as kallsyms sizes it
    };
    // Address order; static functions of one name repeat.
    std::vector<Symbol> symbols_named(const std::string& name) const;
    // For a relocatable image: the section an address is in and the offset in it, as
    // `addr2line -j SECTION` and the kernel's faddr2line for a .ko take it.
    struct SectionOffset {
        std::string section;
        uint64_t offset = 0;
    };
    SectionOffset section_offset(uint64_t address) const;
    // The inline chain at an address of this image, innermost first; empty when no line
    // information covers it.
    std::vector<SourceFrame> frames(uint64_t address) const;

  private:
    DebugImage() = default;
    std::string nearest_symbol(uint64_t address) const;
    void index_symbols();

    std::string path_;
    Dwfl* dwfl_ = nullptr;
    Dwfl_Module* module_ = nullptr;
    bool relocatable_ = false;
    std::vector<Symbol> symbols_;  // code symbols, address order
    std::unordered_map<std::string, std::vector<std::size_t>> by_name_;
    std::unique_ptr<LineResolver> lines_;
};

}  // namespace ftnt::symbolize
