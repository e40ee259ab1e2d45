#include "discover/drop_reasons.h"

#include <event-parse.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace ftnt {
namespace {

constexpr uint32_t kSubsystemShift = 16;  // SKB_DROP_REASON_SUBSYS_SHIFT, 6.4+
constexpr std::string_view kEnumPrefix = "SKB_DROP_REASON_";

const tep_print_arg* find_reason_symbols(const tep_print_arg* arg) {
    for (; arg; arg = arg->next) {
        const tep_print_arg* found = nullptr;
        switch (arg->type) {
            case TEP_PRINT_SYMBOL: {
                const auto* field = arg->symbol.field;
                if (field && field->type == TEP_PRINT_FIELD && field->field.name &&
                    std::string_view(field->field.name) == "reason")
                    return arg;
                break;
            }
            case TEP_PRINT_OP:
                found = find_reason_symbols(arg->op.left);
                if (!found) found = find_reason_symbols(arg->op.right);
                break;
            case TEP_PRINT_TYPE:
                found = find_reason_symbols(arg->typecast.item);
                break;
            case TEP_PRINT_FUNC:
                found = find_reason_symbols(arg->func.args);
                break;
            default:
                break;
        }
        if (found) return found;
    }
    return nullptr;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

DropReasonTable DropReasonTable::from_event(tep_event* kfree_skb) {
    DropReasonTable table;
    if (!kfree_skb || !tep_find_field(kfree_skb, "reason")) return table;
    table.available_ = true;
    const auto* symbols = find_reason_symbols(kfree_skb->print_fmt.args);
    if (!symbols) return table;
    for (auto* sym = symbols->symbol.symbols; sym; sym = sym->next) {
        if (!sym->value || !sym->str) continue;
        char* end = nullptr;
        auto value = std::strtoull(sym->value, &end, 0);
        if (end == sym->value || *end != '\0') continue;
        table.by_value_[static_cast<uint32_t>(value)] = sym->str;
    }
    return table;
}

std::optional<uint32_t> DropReasonTable::value_of(std::string_view name) const {
    std::string wanted = upper(name);
    if (wanted.starts_with(kEnumPrefix)) wanted.erase(0, kEnumPrefix.size());
    for (const auto& [value, known] : by_value_)
        if (known == wanted) return value;
    return std::nullopt;
}

std::string DropReasonTable::name_of(uint32_t value) const {
    if (auto it = by_value_.find(value); it != by_value_.end()) return it->second;
    if (uint32_t subsystem = value >> kSubsystemShift) {
        auto named = subsystems_.find(subsystem);
        std::string prefix =
            named != subsystems_.end() ? named->second : "SUBSYS_" + std::to_string(subsystem);
        return prefix + ":" + std::to_string(value & ((1u << kSubsystemShift) - 1));
    }
    return "UNKNOWN_" + std::to_string(value);
}

std::vector<std::string> DropReasonTable::names() const {
    std::vector<std::string> out;
    for (const auto& [value, name] : by_value_) out.push_back(name);
    return out;
}

void DropReasonTable::set_subsystem_names(const std::map<int64_t, std::string>& enumerators) {
    constexpr std::string_view kPrefix = "SKB_DROP_REASON_SUBSYS_";
    for (const auto& [value, name] : enumerators) {
        if (value <= 0 || !std::string_view(name).starts_with(kPrefix)) continue;
        subsystems_[static_cast<uint32_t>(value)] = name.substr(kPrefix.size());
    }
}

std::string join_names(const std::vector<std::string>& names, std::size_t width) {
    std::string out;
    std::size_t line = 0;
    for (const auto& name : names) {
        if (!out.empty()) {
            out += ",";
            ++line;
            if (line + name.size() + 1 > width) {
                out += "\n  ";
                line = 2;
            } else {
                out += " ";
                ++line;
            }
        }
        out += name;
        line += name.size();
    }
    return out;
}

}  // namespace ftnt
