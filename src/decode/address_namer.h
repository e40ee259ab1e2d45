// Names kernel addresses for output: sym+0xoff, and source lines when debug info is there.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ftnettrace/kallsyms.h"
#include "ftnettrace/symbolize.h"

namespace ftnt {

struct NamedAddress {
    std::string location;             // "tcp_v4_rcv+0x91"
    std::vector<std::string> source;  // inline chain, innermost first; empty without debug info
    std::string line;                 // innermost "file:line", "" without debug info
    // "tcp_v4_rcv+0x91 (net/ipv4/tcp_ipv4.c:2270)", or the location alone.
    std::string with_line() const { return line.empty() ? location : location + " (" + line + ")"; }
};

class AddressNamer {
  public:
    AddressNamer(symbolize::Kallsyms symbols, const symbolize::DebugInfoOptions& debug);
    // The lines for the start of a run: where source lines come from, or why there are none,
    // and a warning when kallsyms hides addresses.
    std::vector<std::string> status_lines() const;
    // kind: return_address for a drop location (kfree_skb's and consume_skb's `location` is
    // __builtin_return_address(0)): its source line is the call's, looked up at address-1.
    const NamedAddress& name(uint64_t address,
                             symbolize::AddressKind kind = symbolize::AddressKind::instruction);
    // A perf callchain's frames, "sym+off (file:line)", innermost first.
    std::vector<std::string> callchain(const std::vector<uint64_t>& callchain);

  private:
    symbolize::Kallsyms symbols_;
    symbolize::Symbolizer symbolizer_;
    std::unordered_map<uint64_t, NamedAddress> cache_;
};

}  // namespace ftnt
