// The reason each drop location of the catalog stands for ([drop_location] entries of
// kprobe-defs/drop-locations.def), for kernels whose skb:kfree_skb has no reason field.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "plan/catalog.h"

namespace ftnt {

// Function name -> drop reason name ("tcp_v4_rcv" -> "NO_SOCKET").
using ReasonByFunction = std::map<std::string, std::string, std::less<>>;

ReasonByFunction drop_location_reasons(const Catalog& catalog);

}  // namespace ftnt
