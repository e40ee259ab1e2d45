// Names for a path event: its task, its location and stack as symbols, --hooks' functions.
#pragma once

#include "decode/address_namer.h"
#include "decode/netfilter_fields.h"
#include "output/output.h"
#include "track/comm_cache.h"

namespace ftnt {

class PathNaming {
  public:
    PathNaming(AddressNamer& namer, CommCache& comms) : namer_(namer), comms_(comms) {}
    PathEventView view_of(const PathEvent& event);

  private:
    AddressNamer& namer_;
    CommCache& comms_;
};

}  // namespace ftnt
