// One ELF file with DWARF (a vmlinux, or a module's .ko: relocatable, given section addresses
// by libdwfl), read with libdwfl: its symbols by name and its source lines by address.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ftnettrace/symbolize.h"

struct Dwfl;
struct Dwfl_Module;

namespace ftnt::symbolize {

class DebugImage {
  public:
    // Throws std::runtime_error saying why the file cannot be used.
    static std::unique_ptr<DebugImage> open(const std::string& path);
    ~DebugImage();
    DebugImage(const DebugImage&) = delete;
    DebugImage& operator=(const DebugImage&) = delete;

    const std::string& path() const { return path_; }
    std::string build_id() const;  // hex, "" when the file has none
    bool has_lines() const;
    // What libdwfl added to the file's addresses (0 for a vmlinux or a non-PIE program).
    uint64_t bias() const;

    struct Symbol {
        std::string name;
        uint64_t address = 0;
        uint64_t size = 0;  // up to the next symbol of its section, as kallsyms sizes it
    };
    std::vector<Symbol> symbols_named(const std::string& name) const;
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
    std::vector<Symbol> symbols_;  // code symbols, address order
};

// The GNU build ID note of a notes blob (/sys/kernel/notes), as hex; "" when absent.
std::string build_id_from_notes(const std::string& notes);

}  // namespace ftnt::symbolize
