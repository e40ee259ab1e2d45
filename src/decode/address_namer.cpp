#include "decode/address_namer.h"

namespace ftnt {

AddressNamer::AddressNamer(symbolize::Kallsyms symbols) : symbols_(std::move(symbols)) {}

std::string AddressNamer::status_line() const {
    if (symbols_.addresses_hidden())
        return "symbols: /proc/kallsyms shows only zero addresses (kernel.kptr_restrict); "
               "locations are raw addresses. Set kernel.kptr_restrict=0 or 1 and run as root";
    return {};
}

const NamedAddress& AddressNamer::name(uint64_t address, bool return_address) {
    uint64_t key = address ^ (return_address ? 1ull << 63 : 0);
    auto [it, added] = cache_.try_emplace(key);
    if (added) it->second.location = symbolize::describe_address(symbols_, address, false);
    return it->second;
}

}  // namespace ftnt
