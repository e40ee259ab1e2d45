#include "discover/kernel_types.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "core/errors.h"
#include "core/regular_file.h"
#include "core/shown_value.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

// libbpf's own warnings name the file raw; our errors say what failed, escaped.
int libbpf_silent(enum libbpf_print_level, const char*, va_list) {
    return 0;
}

const btf_type* skip_modifiers(const btf* types, uint32_t& id) {
    const btf_type* t = btf__type_by_id(types, id);
    while (t && (btf_is_mod(t) || btf_is_typedef(t))) {
        id = t->type;
        t = btf__type_by_id(types, id);
    }
    return t;
}

// Finds `name` among the members of a struct/union, descending into anonymous members.
bool find_member(const btf* types, const btf_type* composite, const std::string& name,
                 uint32_t base_bits, uint32_t& bits_out, uint32_t& bitfield_size,
                 uint32_t& type_out) {
    const btf_member* m = btf_members(composite);
    for (uint16_t i = 0; i < btf_vlen(composite); ++i, ++m) {
        uint32_t bits = base_bits + btf_member_bit_offset(composite, i);
        const char* member_name = btf__name_by_offset(types, m->name_off);
        if (member_name && name == member_name) {
            bits_out = bits;
            bitfield_size = btf_member_bitfield_size(composite, i);
            type_out = m->type;
            return true;
        }
        if (member_name && *member_name) continue;
        uint32_t inner_id = m->type;
        const btf_type* inner = skip_modifiers(types, inner_id);
        if (inner && (btf_is_struct(inner) || btf_is_union(inner)) &&
            find_member(types, inner, name, bits, bits_out, bitfield_size, type_out))
            return true;
    }
    return false;
}

class BtfTypes : public KernelTypes {
  public:
    explicit BtfTypes(const std::string& path);
    ~BtfTypes() override;
    BtfTypes(const BtfTypes&) = delete;
    BtfTypes& operator=(const BtfTypes&) = delete;

    const std::string& source() const override { return source_; }
    std::optional<MemberLocation> member(const std::string& struct_name,
                                         const std::string& path) const override;
    std::optional<int> pointer_param(const std::string& function,
                                     const std::string& type_name) const override;
    bool has_function(const std::string& function) const override;
    std::map<int64_t, std::string> enum_values(const std::string& enum_name) const override;

  private:
    btf* module_btf(const std::string& name) const;
    // A named type in vmlinux or, failing that, in a loaded module's split BTF.
    std::pair<const btf*, int> find_type(const std::string& name, int kind) const;

    struct BtfFree {
        void operator()(btf* handle) const { btf__free(handle); }
    };
    using BtfHandle = std::unique_ptr<btf, BtfFree>;

    std::string source_;
    BtfHandle vmlinux_;
    // Split BTF over vmlinux_: declared after it, so freed before it.
    mutable std::map<std::string, BtfHandle> modules_;
};

BtfTypes::BtfTypes(const std::string& path) : source_(path) {
    bool kernels_own = path == "/sys/kernel/btf/vmlinux";
    if (!kernels_own || path_exists(path))
        if (auto error = check_regular_file(path, kMaxVmlinuxBytes); !error.empty())
            throw UsageError("cannot read " + shown_value(path, 200) + ": " + error);
    libbpf_set_print(libbpf_silent);
    vmlinux_.reset(btf__parse(path.c_str(), nullptr));
    if (vmlinux_) return;
    int error = errno;
    if (kernels_own)
        throw KernelError("no BTF at " + shown_value(path, 200) +
                          " (kernel without CONFIG_DEBUG_INFO_BTF)");
    throw UsageError(errno_message(
        shown_value(path, 200) + " is not valid BTF (raw BTF or an ELF file with .BTF)", error));
}

BtfTypes::~BtfTypes() = default;

btf* BtfTypes::module_btf(const std::string& name) const {
    if (auto it = modules_.find(name); it != modules_.end()) return it->second.get();
    auto dir = source_.substr(0, source_.rfind('/'));
    auto& module = modules_[name];
    module.reset(btf__parse_split((dir + "/" + name).c_str(), vmlinux_.get()));
    return module.get();
}

std::pair<const btf*, int> BtfTypes::find_type(const std::string& name, int kind) const {
    int id = btf__find_by_name_kind(vmlinux_.get(), name.c_str(), static_cast<uint32_t>(kind));
    if (id >= 0) return {vmlinux_.get(), id};
    for (const auto& module : list_directory(source_.substr(0, source_.rfind('/')))) {
        if (module == "vmlinux") continue;
        const btf* candidate = module_btf(module);
        if (!candidate) continue;
        id = btf__find_by_name_kind(candidate, name.c_str(), static_cast<uint32_t>(kind));
        if (id >= 0) return {candidate, id};
    }
    return {nullptr, -1};
}

std::optional<MemberLocation> BtfTypes::member(const std::string& struct_name,
                                               const std::string& path) const {
    auto [types, id] = find_type(struct_name, BTF_KIND_STRUCT);
    if (id < 0) return std::nullopt;
    uint32_t type_id = static_cast<uint32_t>(id);
    uint32_t total_bits = 0, bitfield = 0;
    for (const auto& name : split_member_path(path)) {
        const btf_type* composite = skip_modifiers(types, type_id);
        if (composite && btf_is_array(composite)) {  // element 0: "tuplehash.tuple" is [0]
            type_id = btf_array(composite)->type;
            composite = skip_modifiers(types, type_id);
        }
        if (!composite || !(btf_is_struct(composite) || btf_is_union(composite)))
            return std::nullopt;
        uint32_t bits = 0, member_type = 0;
        if (!find_member(types, composite, name, 0, bits, bitfield, member_type))
            return std::nullopt;
        total_bits += bits;
        type_id = member_type;
    }
    MemberLocation out;
    out.byte_offset = total_bits / 8;
    out.bit_offset = total_bits % 8;
    out.bit_size = bitfield;
    if (!bitfield) {
        auto size = btf__resolve_size(types, type_id);
        out.size = size > 0 ? static_cast<uint32_t>(size) : 0;
    }
    return out;
}

bool BtfTypes::has_function(const std::string& function) const {
    return btf__find_by_name_kind(vmlinux_.get(), function.c_str(), BTF_KIND_FUNC) >= 0;
}

std::optional<int> BtfTypes::pointer_param(const std::string& function,
                                           const std::string& type_name) const {
    auto [types, id] = find_type(function, BTF_KIND_FUNC);
    if (id < 0) return std::nullopt;
    const btf_type* func = btf__type_by_id(types, static_cast<uint32_t>(id));
    const btf_type* proto = btf__type_by_id(types, func->type);
    if (!proto || !btf_is_func_proto(proto)) return std::nullopt;
    const btf_param* param = btf_params(proto);
    for (uint16_t i = 0; i < btf_vlen(proto); ++i, ++param) {
        uint32_t pointer_id = param->type;
        const btf_type* pointer = skip_modifiers(types, pointer_id);
        if (!pointer || !btf_is_ptr(pointer)) continue;
        uint32_t target_id = pointer->type;
        const btf_type* target = skip_modifiers(types, target_id);
        const char* name = target ? btf__name_by_offset(types, target->name_off) : nullptr;
        if (target && btf_is_struct(target) && name && type_name == name) return i;
    }
    return std::nullopt;
}

std::map<int64_t, std::string> BtfTypes::enum_values(const std::string& enum_name) const {
    std::map<int64_t, std::string> out;
    int id = btf__find_by_name_kind(vmlinux_.get(), enum_name.c_str(), BTF_KIND_ENUM);
    if (id < 0) return out;
    const btf_type* t = btf__type_by_id(vmlinux_.get(), static_cast<uint32_t>(id));
    const struct btf_enum* e = btf_enum(t);
    for (uint16_t i = 0; i < btf_vlen(t); ++i, ++e)
        out[e->val] = btf__name_by_offset(vmlinux_.get(), e->name_off);
    return out;
}

}  // namespace

std::unique_ptr<KernelTypes> KernelTypes::load(const std::string& path) {
    return std::make_unique<BtfTypes>(path);
}

}  // namespace ftnt
