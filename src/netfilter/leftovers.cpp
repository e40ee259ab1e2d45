#include "netfilter/leftovers.h"

namespace ftnt::netfilter {

int remove_stale_netfilter_state(std::ostream&) {
    return 0;
}

}  // namespace ftnt::netfilter
