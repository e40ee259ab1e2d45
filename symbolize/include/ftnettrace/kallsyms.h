// Kernel symbols from /proc/kallsyms: runtime address -> sym+0xoff/0xsize [module].
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ftnt::symbolize {

struct KernelSymbol {
    uint64_t address = 0;
    uint64_t size = 0;  // distance to the next symbol, as the kernel's own %pS computes it
    char type = 0;
    std::string name;
    std::string module;  // empty for vmlinux
};

struct SymbolOffset {
    const KernelSymbol* symbol = nullptr;
    uint64_t offset = 0;
};

class Kallsyms {
  public:
    static Kallsyms parse(std::string_view text);
    // Throws std::runtime_error when the file cannot be read.
    static Kallsyms load(const std::string& path = "/proc/kallsyms");

    // True when every address reads as zero (kptr_restrict, or a reader without CAP_SYSLOG).
    bool addresses_hidden() const { return addresses_hidden_; }
    bool empty() const { return text_.empty(); }
    std::size_t size() const { return text_.size(); }

    std::optional<SymbolOffset> lookup(uint64_t address) const;
    // Every text symbol with this name, in address order (static functions repeat).
    std::vector<const KernelSymbol*> find(std::string_view name) const;
    // First symbol of any type with this name (used for _text and other anchors).
    std::optional<uint64_t> address_of(std::string_view name) const;

  private:
    std::vector<KernelSymbol> text_;  // code symbols sorted by address
    std::vector<std::pair<std::string, uint64_t>> anchors_;
    bool addresses_hidden_ = false;
};

// "tcp_v4_rcv+0x91/0x1020" with " [module]" appended for module symbols.
std::string format_symbol_offset(const SymbolOffset& where, bool with_size = true);
// The location of an address, or "0x..." when no symbol covers it.
std::string describe_address(const Kallsyms& symbols, uint64_t address, bool with_size = true);

}  // namespace ftnt::symbolize
