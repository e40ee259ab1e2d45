#include "decode/drop_event.h"

namespace ftnt {

DropDecoder::DropDecoder(tep_event* kfree_skb)
    : skb_(kfree_skb, "skbaddr"),
      location_(kfree_skb, "location"),
      protocol_(kfree_skb, "protocol"),
      reason_(kfree_skb, "reason") {}

bool DropDecoder::decode(std::span<const uint8_t> raw, DropEvent& out) const {
    auto skb = skb_.number(raw);
    if (!skb) return false;
    out.skb = *skb;
    out.location = location_.number(raw).value_or(0);
    out.protocol = static_cast<uint16_t>(protocol_.number(raw).value_or(0));
    if (reason_) out.reason = static_cast<uint32_t>(reason_.number(raw).value_or(0));
    return true;
}

}  // namespace ftnt
