#pragma once

#include "cli/options.h"

namespace ftnt {

// --sock: the socket view, one record per socket event (state changes, retransmits, resets,
// RTT samples, full receive queues) from the tcp:* and sock:* tracepoints, and on kernels
// with kprobes the socket-argument functions of the catalog's sock group.
int run_sock_mode(const Options& options);

}  // namespace ftnt
