#include "plan/user_filter.h"

#include "core/errors.h"

namespace ftnt {

filters::PacketFilter packet_filter_of(const filters::FilterFlags& flags, bool with_protocols) {
    filters::FilterFlags checked = flags;
    if (!with_protocols) checked.proto.clear();
    try {
        return filters::parse_packet_filter(checked);
    } catch (const filters::FilterError& error) {
        throw UsageError(error.what());
    }
}

}  // namespace ftnt
