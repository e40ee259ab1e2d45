// Struct layouts and function prototypes of the running kernel, read from BTF
// (/sys/kernel/btf/vmlinux and its modules' split BTF), so kprobe fetchargs can name
// sk_buff->data or net_device->ifindex by offset on any kernel without BPF.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

struct btf;

namespace ftnt {

struct MemberLocation {
    uint32_t byte_offset = 0;
    uint32_t bit_offset = 0;  // within the byte, for bitfields
    uint32_t bit_size = 0;    // 0 when not a bitfield
    uint32_t size = 0;        // bytes of the member's type (0 for bitfields)
};

class KernelTypes {
  public:
    // vmlinux BTF from `path` (default /sys/kernel/btf/vmlinux). Throws KernelError when absent.
    static std::unique_ptr<KernelTypes> load(const std::string& path = "/sys/kernel/btf/vmlinux");
    ~KernelTypes();
    KernelTypes(const KernelTypes&) = delete;
    KernelTypes& operator=(const KernelTypes&) = delete;

    const std::string& source() const { return source_; }
    // "struct.member.member": members of anonymous unions/structs are found by name;
    // a path through a nested struct adds offsets ("sock.__sk_common.skc_daddr"); through
    // an array it takes element 0 ("nf_conn.tuplehash.tuple" is the original direction).
    std::optional<MemberLocation> member(const std::string& struct_name,
                                         const std::string& path) const;
    // The 0-based index of the first `struct <type_name> *` parameter of a function, looking
    // into module BTF too. Empty when the function or such a parameter is unknown.
    std::optional<int> pointer_param(const std::string& function,
                                     const std::string& type_name) const;
    bool has_function(const std::string& function) const;
    // Enumerator names by value ("skb_drop_reason_subsys" -> {0: "SKB_DROP_REASON_SUBSYS_CORE"}).
    std::map<int64_t, std::string> enum_values(const std::string& enum_name) const;

  private:
    KernelTypes() = default;
    btf* module_btf(const std::string& name) const;
    // A named type in vmlinux or, failing that, in a loaded module's split BTF.
    std::pair<const btf*, int> find_type(const std::string& name, int kind) const;

    std::string source_;
    btf* vmlinux_ = nullptr;
    mutable std::map<std::string, btf*> modules_;
};

}  // namespace ftnt
