#include <dwarf.h>
#include <elfutils/libdw.h>
#include <fcntl.h>
#include <unistd.h>

#include <memory>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "core/errors.h"
#include "core/regular_file.h"
#include "core/shown_value.h"
#include "core/unique_fd.h"
#include "discover/kernel_types.h"

namespace ftnt {
namespace {

bool type_of(Dwarf_Die* die, Dwarf_Die* out) {
    Dwarf_Attribute attribute;
    return dwarf_attr_integrate(die, DW_AT_type, &attribute) &&
           dwarf_formref_die(&attribute, out) != nullptr;
}

// Follows typedefs and qualifiers to the type underneath.
bool strip(Dwarf_Die* die) {
    while (true) {
        switch (dwarf_tag(die)) {
            case DW_TAG_typedef:
            case DW_TAG_const_type:
            case DW_TAG_volatile_type:
            case DW_TAG_restrict_type:
            case DW_TAG_atomic_type: {
                Dwarf_Die next;
                if (!type_of(die, &next)) return false;
                *die = next;
                break;
            }
            default:
                return true;
        }
    }
}

std::optional<uint64_t> member_offset_bits(Dwarf_Die* member) {
    Dwarf_Attribute attribute;
    Dwarf_Word bytes = 0;
    if (dwarf_attr(member, DW_AT_data_bit_offset, &attribute)) {  // DWARF 4+ bitfields
        Dwarf_Word bits;
        if (dwarf_formudata(&attribute, &bits) != 0) return std::nullopt;
        return bits;
    }
    if (dwarf_attr(member, DW_AT_data_member_location, &attribute) &&
        dwarf_formudata(&attribute, &bytes) != 0)
        return std::nullopt;
    return bytes * 8;
}

// Finds `name` among a struct's or union's members, descending into anonymous ones.
bool find_member(Dwarf_Die* composite, const std::string& name, uint64_t base_bits,
                 uint64_t& bits_out, uint32_t& bit_size, Dwarf_Die& member_out) {
    Dwarf_Die child;
    if (dwarf_child(composite, &child) != 0) return false;
    do {
        if (dwarf_tag(&child) != DW_TAG_member) continue;
        auto offset = member_offset_bits(&child);
        if (!offset) continue;
        const char* member_name = dwarf_diename(&child);
        if (member_name && name == member_name) {
            bits_out = base_bits + *offset;
            int size = dwarf_bitsize(&child);
            bit_size = size > 0 ? static_cast<uint32_t>(size) : 0;
            member_out = child;
            return true;
        }
        if (member_name) continue;
        Dwarf_Die inner;
        if (!type_of(&child, &inner) || !strip(&inner)) continue;
        int tag = dwarf_tag(&inner);
        if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
            find_member(&inner, name, base_bits + *offset, bits_out, bit_size, member_out))
            return true;
    } while (dwarf_siblingof(&child, &child) == 0);
    return false;
}

class DwarfTypes : public KernelTypes {
  public:
    explicit DwarfTypes(const std::string& path) : source_("DWARF " + path) {
        UniqueFd checked;
        if (auto error = open_regular_file(path, kMaxVmlinuxBytes, checked); !error.empty())
            throw UsageError("cannot read " + shown_value(path, 200) + ": " + error);
        fd_ = UniqueFd(::dup(checked.get()));
        if (!fd_.valid()) throw KernelError(errno_message("dup " + shown_value(path, 200), errno));
        dwarf_.reset(dwarf_begin(fd_.get(), DWARF_C_READ));
        if (!dwarf_)
            throw KernelError(shown_value(path, 200) + " has no DWARF debug info (.debug_info)");
        index();
    }
    DwarfTypes(const DwarfTypes&) = delete;
    DwarfTypes& operator=(const DwarfTypes&) = delete;

    const std::string& source() const override { return source_; }

    std::optional<MemberLocation> member(const std::string& struct_name,
                                         const std::string& path) const override {
        Dwarf_Die type;
        if (!die(structs_, struct_name, type)) return std::nullopt;
        uint64_t total_bits = 0;
        uint32_t bit_size = 0;
        Dwarf_Die member;
        for (const auto& name : split_member_path(path)) {
            if (!strip(&type)) return std::nullopt;
            if (dwarf_tag(&type) == DW_TAG_array_type && !type_of(&type, &type))
                return std::nullopt;
            if (!strip(&type)) return std::nullopt;
            uint64_t bits = 0;
            if (!find_member(&type, name, 0, bits, bit_size, member)) return std::nullopt;
            total_bits += bits;
            if (!type_of(&member, &type)) return std::nullopt;
        }
        MemberLocation out;
        out.byte_offset = static_cast<uint32_t>(total_bits / 8);
        out.bit_offset = static_cast<uint32_t>(total_bits % 8);
        out.bit_size = bit_size;
        Dwarf_Word size = 0;
        if (!bit_size && dwarf_aggregate_size(&type, &size) == 0)
            out.size = static_cast<uint32_t>(size);
        return out;
    }

    std::optional<int> pointer_param(const std::string& function,
                                     const std::string& type_name) const override {
        Dwarf_Die subprogram;
        if (!die(functions_, function, subprogram)) return std::nullopt;
        Dwarf_Die child;
        if (dwarf_child(&subprogram, &child) != 0) return std::nullopt;
        int index = 0;
        do {
            if (dwarf_tag(&child) != DW_TAG_formal_parameter) continue;
            Dwarf_Die type;
            if (type_of(&child, &type) && strip(&type) && dwarf_tag(&type) == DW_TAG_pointer_type &&
                type_of(&type, &type) && strip(&type) &&
                dwarf_tag(&type) == DW_TAG_structure_type) {
                const char* name = dwarf_diename(&type);
                if (name && type_name == name) return index;
            }
            ++index;
        } while (dwarf_siblingof(&child, &child) == 0);
        return std::nullopt;
    }

    bool has_function(const std::string& function) const override {
        return functions_.count(function) != 0;
    }

    std::map<int64_t, std::string> enum_values(const std::string& enum_name) const override {
        std::map<int64_t, std::string> out;
        Dwarf_Die type, child;
        if (!die(enums_, enum_name, type) || dwarf_child(&type, &child) != 0) return out;
        do {
            Dwarf_Attribute attribute;
            Dwarf_Sword value;
            if (dwarf_tag(&child) == DW_TAG_enumerator &&
                dwarf_attr(&child, DW_AT_const_value, &attribute) &&
                dwarf_formsdata(&attribute, &value) == 0)
                out[value] = dwarf_diename(&child);
        } while (dwarf_siblingof(&child, &child) == 0);
        return out;
    }

  private:
    // One pass over the top-level entries of every unit: complete structs, enums and
    // functions with parameters, by name (the first definition wins).
    void index() {
        Dwarf_Off offset = 0, next;
        size_t header_size;
        while (dwarf_nextcu(dwarf_.get(), offset, &next, &header_size, nullptr, nullptr, nullptr) ==
               0) {
            Dwarf_Die unit, child;
            if (dwarf_offdie(dwarf_.get(), offset + header_size, &unit) &&
                dwarf_child(&unit, &child) == 0) {
                do {
                    const char* name = dwarf_diename(&child);
                    if (!name || dwarf_hasattr(&child, DW_AT_declaration)) continue;
                    switch (dwarf_tag(&child)) {
                        case DW_TAG_structure_type:
                            structs_.try_emplace(name, dwarf_dieoffset(&child));
                            break;
                        case DW_TAG_enumeration_type:
                            enums_.try_emplace(name, dwarf_dieoffset(&child));
                            break;
                        case DW_TAG_subprogram:
                            functions_.try_emplace(name, dwarf_dieoffset(&child));
                            break;
                        default:
                            break;
                    }
                } while (dwarf_siblingof(&child, &child) == 0);
            }
            offset = next;
        }
    }

    bool die(const std::unordered_map<std::string, Dwarf_Off>& table, const std::string& name,
             Dwarf_Die& out) const {
        auto it = table.find(name);
        return it != table.end() && dwarf_offdie(dwarf_.get(), it->second, &out) != nullptr;
    }

    std::string source_;
    struct DwarfEnd {
        void operator()(Dwarf* handle) const { dwarf_end(handle); }
    };
    UniqueFd fd_;
    std::unique_ptr<Dwarf, DwarfEnd> dwarf_;  // reads fd_: declared after it, ended before it
    std::unordered_map<std::string, Dwarf_Off> structs_, enums_, functions_;
};

}  // namespace

std::unique_ptr<KernelTypes> KernelTypes::load_dwarf(const std::string& path) {
    return std::make_unique<DwarfTypes>(path);
}

}  // namespace ftnt
