// Names kernel addresses for output: sym+0xoff, and source lines when debug info is there.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ftnettrace/kallsyms.h"

namespace ftnt {

struct NamedAddress {
    std::string location;             // "tcp_v4_rcv+0x91"
    std::vector<std::string> source;  // inline chain, innermost first; empty without debug info
};

class AddressNamer {
  public:
    explicit AddressNamer(symbolize::Kallsyms symbols);
    // One line for the start of a run when names cannot be given (kptr_restrict), else "".
    std::string status_line() const;
    // return_address: a stack frame after the first, looked up at addr-1 for its source line.
    const NamedAddress& name(uint64_t address, bool return_address = false);

  private:
    symbolize::Kallsyms symbols_;
    std::unordered_map<uint64_t, NamedAddress> cache_;
};

}  // namespace ftnt
