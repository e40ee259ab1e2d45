#include "track/nft_drop.h"

#include "ftnettrace/firewall_step.h"

namespace ftnt {
namespace {

constexpr int64_t kNfStolen = 2;
constexpr uint32_t kNfDrop = 0;

}  // namespace

bool in_own_trace_table(const PathEvent& event) {
    if (event.decode != DecodeAs::NftChain) return false;
    for (const auto& [name, value] : event.extra)
        if (name == "table") return value.starts_with(netfilter::kNftTablePrefix);
    return false;
}

void drop_own_trace_table(Lifecycle& lifecycle) {
    std::erase_if(lifecycle.events, in_own_trace_table);
}

void deduce_nft_drops(Lifecycle& lifecycle,
                      const std::function<bool(uint64_t location)>& in_nft_do_chain,
                      bool steps_joined) {
    PathEvent* chain_call = nullptr;  // the latest nft_do_chain entry
    for (auto& event : lifecycle.events) {
        if (event.decode == DecodeAs::NftChain) {
            chain_call = &event;
            continue;
        }
        bool nft_freed = event.frees_skb && event.reason == "NETFILTER_DROP" && event.location &&
                         in_nft_do_chain(event.location);
        if (!nft_freed || !chain_call) continue;
        if (chain_call->retval && (*chain_call->retval & 0xff) == kNfStolen) {
            chain_call->deduced_verdict = kNfDrop;
            if (!steps_joined)
                chain_call->verdict_note =
                    "by its rule or one in a chain it jumped to: see --iptables-trace";
        }
        chain_call = nullptr;
    }
}

}  // namespace ftnt
