#include "plan/user_filter.h"

#include "core/errors.h"

namespace ftnt {

filters::PacketFilter packet_filter_of(const Options& o, bool with_protocols) {
    try {
        return filters::parse_packet_filter({o.saddr, o.daddr, o.addr, o.sport, o.dport, o.port,
                                             with_protocols ? o.protocols : ""});
    } catch (const filters::FilterError& error) {
        throw UsageError(error.what());
    }
}

}  // namespace ftnt
