#include "modes/netfilter_mode.h"

#include "core/errors.h"

namespace ftnt {

int run_netfilter_mode(const Options&) {
    throw UsageError("--iptables-trace and --log-invalid are not built yet");
}

}  // namespace ftnt
