// The drop reason a drop location stands for, for kernels whose skb:kfree_skb has no reason
// field (before 5.17): a table of functions the plan reads from the catalog's [drop_location]
// entries (plan/drop_locations.h), never a list compiled into ftnettrace.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace ftnt {

class InferredReasons {
  public:
    InferredReasons() = default;
    // Function name -> reason name, as plan/drop_locations.h reads them.
    explicit InferredReasons(std::map<std::string, std::string, std::less<>> by_function)
        : by_function_(std::move(by_function)) {}
    // The reason for a named location ("tcp_v4_rcv+0x91/0x13f0", "nf_hook_slow+0x7d"), or
    // nothing when its function is not in the table or the location has no name.
    std::optional<std::string> at(std::string_view location) const;
    std::size_t size() const { return by_function_.size(); }

  private:
    std::map<std::string, std::string, std::less<>> by_function_;
};

}  // namespace ftnt
