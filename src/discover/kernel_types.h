// Struct layouts and function prototypes of the running kernel, so kprobe fetchargs can name
// sk_buff->data or net_device->ifindex by offset on any kernel without BPF. Two sources:
// BTF (/sys/kernel/btf/vmlinux and the modules' split BTF) and a vmlinux with DWARF.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ftnt {

struct MemberLocation {
    uint32_t byte_offset = 0;
    uint32_t bit_offset = 0;  // within the byte, for bitfields
    uint32_t bit_size = 0;    // 0 when not a bitfield
    uint32_t size = 0;        // bytes of the member's type (0 for bitfields)
};

class KernelTypes {
  public:
    virtual ~KernelTypes() = default;

    // BTF from `path` (default /sys/kernel/btf/vmlinux). Throws KernelError when absent.
    static std::unique_ptr<KernelTypes> load(const std::string& path = "/sys/kernel/btf/vmlinux");
    // DWARF of a vmlinux (or any ELF with .debug_info). Throws KernelError when it has none.
    static std::unique_ptr<KernelTypes> load_dwarf(const std::string& path);
    // --btf FILE, else --vmlinux FILE, else the running kernel's BTF, else its debuginfo in
    // the usual places; one KernelError naming what to install when none is there.
    static std::unique_ptr<KernelTypes> find(const std::string& btf, const std::string& vmlinux,
                                             const std::string& release);

    virtual const std::string& source() const = 0;
    // "struct.member.member": members of anonymous unions/structs are found by name;
    // a path through a nested struct adds offsets ("sock.__sk_common.skc_daddr"); through
    // an array it takes element 0 ("nf_conn.tuplehash.tuple" is the original direction).
    virtual std::optional<MemberLocation> member(const std::string& struct_name,
                                                 const std::string& path) const = 0;
    // The 0-based index of the first `struct <type_name> *` parameter of a function.
    // Empty when the function or such a parameter is unknown.
    virtual std::optional<int> pointer_param(const std::string& function,
                                             const std::string& type_name) const = 0;
    virtual bool has_function(const std::string& function) const = 0;
    // Enumerator names by value ("skb_drop_reason_subsys" -> {0: "SKB_DROP_REASON_SUBSYS_CORE"}).
    virtual std::map<int64_t, std::string> enum_values(const std::string& enum_name) const = 0;
};

// "ns.inum" -> {"ns", "inum"}
std::vector<std::string> split_member_path(const std::string& path);

}  // namespace ftnt
