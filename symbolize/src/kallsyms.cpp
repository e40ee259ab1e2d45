#include "ftnettrace/kallsyms.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ftnt::symbolize {
namespace {

bool is_code_type(char type) {
    switch (type) {
        case 't':
        case 'T':
        case 'w':
        case 'W':
            return true;
        default:
            return false;
    }
}

struct ParsedLine {
    uint64_t address = 0;
    char type = 0;
    std::string_view name;
    std::string_view module;
};

std::optional<ParsedLine> parse_line(std::string_view line) {
    ParsedLine out;
    auto space = line.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    auto [ptr, ec] = std::from_chars(line.data(), line.data() + space, out.address, 16);
    if (ec != std::errc() || space + 3 > line.size()) return std::nullopt;
    out.type = line[space + 1];
    auto rest = line.substr(space + 3);
    auto tab = rest.find('\t');
    out.name = rest.substr(0, tab);
    if (tab != std::string_view::npos) {
        auto module = rest.substr(tab + 1);
        if (module.size() >= 2 && module.front() == '[' && module.back() == ']')
            out.module = module.substr(1, module.size() - 2);
    }
    return out;
}

}  // namespace

Kallsyms Kallsyms::parse(std::string_view text) {
    Kallsyms table;
    bool any_nonzero = false;
    std::size_t lines = 0;
    while (!text.empty()) {
        auto eol = text.find('\n');
        auto line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        auto parsed = parse_line(line);
        if (!parsed) continue;
        ++lines;
        any_nonzero = any_nonzero || parsed->address != 0;
        if (parsed->module.empty() && (parsed->name == "_text" || parsed->name == "_stext"))
            table.anchors_.emplace_back(std::string(parsed->name), parsed->address);
        if (!is_code_type(parsed->type)) continue;
        table.text_.push_back({parsed->address, 0, parsed->type, std::string(parsed->name),
                               std::string(parsed->module)});
    }
    table.addresses_hidden_ = lines > 0 && !any_nonzero;
    if (table.addresses_hidden_) {
        table.text_.clear();
        return table;
    }
    std::stable_sort(table.text_.begin(), table.text_.end(),
                     [](const auto& a, const auto& b) { return a.address < b.address; });
    for (std::size_t i = 0; i + 1 < table.text_.size(); ++i) {
        // Aliases share an address: each gets the size up to the next distinct address.
        std::size_t next = i + 1;
        while (next < table.text_.size() && table.text_[next].address == table.text_[i].address)
            ++next;
        if (next < table.text_.size())
            table.text_[i].size = table.text_[next].address - table.text_[i].address;
    }
    return table;
}

Kallsyms Kallsyms::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return parse(buffer.str());
}

std::optional<SymbolOffset> Kallsyms::lookup(uint64_t address) const {
    auto after = std::upper_bound(text_.begin(), text_.end(), address,
                                  [](uint64_t a, const KernelSymbol& s) { return a < s.address; });
    if (after == text_.begin()) return std::nullopt;
    auto hit = std::prev(after);
    // Among aliases at one address, the first listed one names it.
    while (hit != text_.begin() && std::prev(hit)->address == hit->address) --hit;
    if (hit->size == 0 || address - hit->address >= hit->size) return std::nullopt;
    return SymbolOffset{&*hit, address - hit->address};
}

std::vector<const KernelSymbol*> Kallsyms::find(std::string_view name) const {
    std::vector<const KernelSymbol*> out;
    for (const auto& symbol : text_)
        if (symbol.name == name) out.push_back(&symbol);
    return out;
}

std::optional<uint64_t> Kallsyms::address_of(std::string_view name) const {
    for (const auto& [anchor, address] : anchors_)
        if (anchor == name) return address;
    for (const auto& symbol : text_)
        if (symbol.name == name) return symbol.address;
    return std::nullopt;
}

std::string format_symbol_offset(const SymbolOffset& where, bool with_size) {
    std::ostringstream out;
    out << where.symbol->name << "+0x" << std::hex << where.offset;
    if (with_size) out << "/0x" << where.symbol->size;
    if (!where.symbol->module.empty()) out << " [" << where.symbol->module << "]";
    return out.str();
}

std::string describe_address(const Kallsyms& symbols, uint64_t address, bool with_size) {
    if (auto where = symbols.lookup(address)) return format_symbol_offset(*where, with_size);
    std::ostringstream out;
    out << "0x" << std::hex << address;
    return out.str();
}

}  // namespace ftnt::symbolize
