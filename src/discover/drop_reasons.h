// The drop-reason names of the running kernel, taken from skb:kfree_skb's format file
// (its __print_symbolic table), never from a list compiled into ftnettrace.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct tep_event;

namespace ftnt {

class DropReasonTable {
  public:
    // Empty (available() false) when the event has no reason field: kernels before 5.17.
    static DropReasonTable from_event(tep_event* kfree_skb);

    bool available() const { return available_; }
    std::size_t size() const { return by_value_.size(); }
    // Accepts "NO_SOCKET", "no_socket" and "SKB_DROP_REASON_NO_SOCKET".
    std::optional<uint32_t> value_of(std::string_view name) const;
    // "NO_SOCKET"; a subsystem reason (6.4+, high 16 bits) is "SUBSYS_<n>:<code>".
    std::string name_of(uint32_t value) const;
    std::vector<std::string> names() const;
    // Names of the subsystems (enum skb_drop_reason_subsys from BTF, 6.4+), so a subsystem
    // reason reads "OPENVSWITCH:5" rather than "SUBSYS_2:5".
    void set_subsystem_names(const std::map<int64_t, std::string>& enumerators);

  private:
    bool available_ = false;
    std::map<uint32_t, std::string> by_value_;
    std::map<uint32_t, std::string> subsystems_;
};

// "a, b, c" of every name, for an error message.
std::string join_names(const std::vector<std::string>& names, std::size_t width = 100);

}  // namespace ftnt
