// What --cleanup removes of the netfilter state a killed run left: rules tagged
// "ftnettrace:<run>" of runs that are gone, and the sysctls such a run changed.
#pragma once

#include <ostream>

namespace ftnt::netfilter {

// Says each thing it removed or restored on `report`; returns how many.
int remove_stale_netfilter_state(std::ostream& report);

}  // namespace ftnt::netfilter
