// file:line and the inline chain at an address, from a libdwfl module's DWARF, as
// `addr2line -fi` and `eu-addr2line -i` print it.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "ftnettrace/symbolize.h"

struct Dwfl_Module;

namespace ftnt::symbolize {

class LineResolver {
  public:
    // nearest_symbol names an address no DWARF function covers (padding, assembly).
    LineResolver(Dwfl_Module* module, std::function<std::string(uint64_t)> nearest_symbol)
        : module_(module), nearest_symbol_(std::move(nearest_symbol)) {}

    // Innermost first; empty when no line information covers the address.
    std::vector<SourceFrame> frames(uint64_t address);

  private:
    struct FunctionRange {
        Dwarf_Addr low = 0, high = 0;
        Dwarf_Die die;
    };
    const std::vector<FunctionRange>& functions_of(Dwarf_Die* unit);
    bool find_function(Dwarf_Die* unit, Dwarf_Addr pc, Dwarf_Die* out);
    std::vector<Dwarf_Die> scope_chain(Dwarf_Die* unit, Dwarf_Addr pc);

    Dwfl_Module* module_;
    std::function<std::string(uint64_t)> nearest_symbol_;
    // Per compile unit (by DIE offset): its functions' address ranges, sorted. A kernel unit
    // holds tens of thousands of DIEs from headers; walking them for every address is what
    // made cold lookups slow.
    std::unordered_map<Dwarf_Off, std::vector<FunctionRange>> functions_;
};

}  // namespace ftnt::symbolize
