#include "dwarf_lines.h"

#include <dwarf.h>
#include <elfutils/libdwfl.h>

#include <algorithm>
#include <cstdlib>

namespace ftnt::symbolize {
namespace {

// The file and line of an inlined call site (DW_AT_call_file indexes the unit's file table).
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
std::string die_name(Dwarf_Die* die) {
    Dwarf_Attribute attribute;
    const char* name = nullptr;
    if (dwarf_attr_integrate(die, DW_AT_name, &attribute)) name = dwarf_formstring(&attribute);
    return name ? name : "??";
}

bool is_function(int tag) {
    return tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine;
}

bool has_addresses(Dwarf_Die* die) {
    return dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges);
}

// The inlined call directly inside `scope` (through lexical blocks) that covers pc.
bool inlined_child(Dwarf_Die* scope, Dwarf_Addr pc, Dwarf_Die* out) {
    Dwarf_Die child, next;
    if (dwarf_child(scope, &child) != 0) return false;
    for (;;) {
        int tag = dwarf_tag(&child);
        if (tag == DW_TAG_inlined_subroutine) {
            if (dwarf_haspc(&child, pc) == 1) {
                *out = child;
                return true;
            }
        } else if (tag == DW_TAG_lexical_block || tag == DW_TAG_try_block ||
                   tag == DW_TAG_catch_block) {
            if ((!has_addresses(&child) || dwarf_haspc(&child, pc) == 1) &&
                inlined_child(&child, pc, out))
                return true;
        }
        if (dwarf_siblingof(&child, &next) != 0) return false;
        child = next;
    }
}

// The function scopes at pc by libdw's own walk of the whole unit (slow, complete): for
// functions the per-unit index does not hold.
std::vector<Dwarf_Die> chain_by_getscopes(Dwarf_Die* unit, Dwarf_Addr pc) {
    std::vector<Dwarf_Die> chain;
    Dwarf_Die* scopes = nullptr;
    int n = dwarf_getscopes(unit, pc, &scopes);
    int innermost = -1;
    for (int i = 0; i < n && innermost < 0; ++i)
        if (is_function(dwarf_tag(&scopes[i]))) innermost = i;
    // dwarf_getscopes continues an inlined instance into its abstract definition's
    // scopes; its concrete callers come from dwarf_getscopes_die on the instance itself.
    Dwarf_Die* parents = nullptr;
    int depth = innermost < 0 ? 0 : dwarf_getscopes_die(&scopes[innermost], &parents);
    for (int i = 0; i < depth; ++i) {
        int tag = dwarf_tag(&parents[i]);
        if (!is_function(tag)) continue;
        chain.insert(chain.begin(), parents[i]);
        if (tag == DW_TAG_subprogram) break;
    }
    std::free(parents);
    std::free(scopes);
    return chain;
}

void collect_functions(Dwarf_Die* parent, std::vector<Dwarf_Die>& out) {
    Dwarf_Die child, next;
    if (dwarf_child(parent, &child) != 0) return;
    for (;;) {
        int tag = dwarf_tag(&child);
        if (tag == DW_TAG_subprogram)
            out.push_back(child);
        else if (tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
                 tag == DW_TAG_structure_type)
            collect_functions(&child, out);
        if (dwarf_siblingof(&child, &next) != 0) return;
        child = next;
    }
}

}  // namespace

const std::vector<LineResolver::FunctionRange>& LineResolver::functions_of(Dwarf_Die* unit) {
    auto [it, added] = functions_.try_emplace(dwarf_dieoffset(unit));
    if (!added) return it->second;
    std::vector<Dwarf_Die> dies;
    collect_functions(unit, dies);
    for (auto& die : dies) {
        Dwarf_Addr base, low, high;
        for (ptrdiff_t at = 0; (at = dwarf_ranges(&die, at, &base, &low, &high)) > 0;)
            if (high > low) it->second.push_back({low, high, die});
    }
    std::sort(it->second.begin(), it->second.end(),
              [](const FunctionRange& a, const FunctionRange& b) { return a.low < b.low; });
    return it->second;
}

bool LineResolver::find_function(Dwarf_Die* unit, Dwarf_Addr pc, Dwarf_Die* out) {
    const auto& ranges = functions_of(unit);
    auto after = std::upper_bound(ranges.begin(), ranges.end(), pc,
                                  [](Dwarf_Addr a, const FunctionRange& r) { return a < r.low; });
    if (after == ranges.begin()) return false;
    const auto& hit = *std::prev(after);
    if (pc >= hit.high) return false;
    *out = hit.die;
    return true;
}

std::vector<Dwarf_Die> LineResolver::scope_chain(Dwarf_Die* unit, Dwarf_Addr pc) {
    Dwarf_Die function;
    if (!find_function(unit, pc, &function)) return chain_by_getscopes(unit, pc);
    std::vector<Dwarf_Die> chain{function};
    Dwarf_Die inlined;
    while (inlined_child(&chain.back(), pc, &inlined)) chain.push_back(inlined);
    return chain;
}

std::vector<SourceFrame> LineResolver::frames(uint64_t address) {
    Dwarf_Addr bias = 0;
    // Copied: the DIE libdwfl returns lives in storage its next lookup may reuse.
    Dwarf_Die unit;
    Dwarf_Die* found_unit = dwfl_module_addrdie(module_, address, &bias);
    if (found_unit) unit = *found_unit;
    Dwfl_Line* line = dwfl_module_getsrc(module_, address);
    if (!line) {
        // No line covers it (padding): the unit's file at best, and the nearest symbol.
        const char* name = found_unit ? dwarf_diename(&unit) : nullptr;
        return {{nearest_symbol_(address), name ? name : "??", 0, false}};
    }
    int line_number = 0;
    const char* name = dwfl_lineinfo(line, nullptr, &line_number, nullptr, nullptr, nullptr);
    std::string file = name ? name : "??";
    if (!found_unit) return {{nearest_symbol_(address), file, line_number, false}};
    auto chain = scope_chain(&unit, address - bias);
    // No DWARF function covers it (a hole in a function's ranges, assembly): the line table
    // still does, and the nearest symbol names it, as addr2line does.
    if (chain.empty()) return {{nearest_symbol_(address), file, line_number, false}};
    std::vector<SourceFrame> out;
    for (auto scope = chain.rbegin(); scope != chain.rend(); ++scope) {
        out.push_back({die_name(&*scope), file, line_number, !out.empty()});
        if (dwarf_tag(&*scope) == DW_TAG_subprogram) break;
        if (!call_site(&*scope, &unit, file, line_number)) break;
    }
    return out;
}

}  // namespace ftnt::symbolize
