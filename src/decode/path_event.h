// A decoded event of path tracing: one probe point passed by one skb.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "decode/event_formats.h"
#include "decode/packet_headers.h"
#include "ftnettrace/probe_filter.h"

namespace ftnt {

struct PathEvent {
    uint64_t time_ns = 0;
    uint32_t cpu = 0, pid = 0, tid = 0;
    std::string func;  // the catalog name ("ip_rcv", "net:netif_receive_skb")
    uint64_t skb = 0;
    uint32_t len = 0;
    uint16_t ethertype = 0;  // host order; 0 when the point does not tell
    int pkt_type = -1;
    int ifindex = 0;
    uint32_t netns = 0;
    std::string dev;
    std::optional<PacketDetails> packet;
    std::optional<int64_t> retval;            // kretprobe
    std::optional<uint32_t> deduced_verdict;  // nft_do_chain: DROP where it returned STOLEN
    std::string verdict_note;                 // said after the verdict, in parentheses
    std::optional<uint32_t> reason_code;      // kfree_skb, 5.17+
    std::optional<std::string> reason;        // its name in this kernel
    uint64_t location = 0;                    // kfree_skb, consume_skb
    std::vector<uint64_t> stack;
    bool frees_skb = false;  // consume_skb / kfree_skb end a lifecycle
    std::vector<std::pair<std::string, std::string>> extra;  // --kprobe name=FETCHARG values
};

// Reads the fields one probe's records carry; built once per event format.
class PathEventDecoder {
  public:
    PathEventDecoder(tep_event* event, std::string func, filters::Layer layer,
                     const std::vector<std::string>& extra_names = {});
    bool decode(std::span<const uint8_t> raw, PathEvent& out) const;
    bool is_return() const { return static_cast<bool>(ret_); }

  private:
    void decode_sock_tuple(std::span<const uint8_t> raw, PathEvent& out) const;

    std::string func_;
    filters::Layer layer_;
    bool frees_;
    FieldRef skb_, sk_, len_, proto_, pkt_type_, ifindex_, netns_, dev_, hdr_, ret_;
    FieldRef fam_, s4_, d4_, sp_, dp_, s6_, s6l_, d6_, d6l_, lsp_;
    FieldRef location_, reason_;
    std::vector<std::pair<std::string, FieldRef>> extra_;
};

}  // namespace ftnt
