// A decoded event of path tracing: one probe point passed by one skb.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/point_keys.h"
#include "decode/packet_bytes.h"
#include "decode/packet_headers.h"
#include "decode/tuple_source.h"
#include "discover/drop_reasons.h"
#include "discover/event_formats.h"
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
    std::optional<std::array<uint8_t, 6>> smac, dmac;  // where the Ethernet header is known
    std::optional<PacketDetails> packet;
    std::optional<CapturedPacket> bytes;      // the header window from the packet's start
    std::optional<int64_t> retval;            // kretprobe
    std::optional<uint32_t> deduced_verdict;  // nft_do_chain: DROP where it returned STOLEN
    std::string verdict_note;                 // said after the verdict, in parentheses
    std::optional<uint32_t> reason_code;      // kfree_skb 5.17+, tcp_send_reset 6.10+
    std::optional<std::string> reason;        // its name in this event's own format file
    bool reason_inferred = false;             // before 5.17: from the location (drop-locations.def)
    uint64_t sk = 0;                          // a socket tracepoint's skaddr
    std::string state;                        // its TCP state ("TCP_CLOSE"), "" when none
    uint64_t location = 0;                    // kfree_skb, consume_skb
    std::vector<uint64_t> stack;
    bool frees_skb = false;    // a `lifecycle = free` point: the skb's block ends
    bool entry_point = false;  // `lifecycle = entry`: headers of another packet start a block
    DecodeAs decode = DecodeAs::None;                        // the catalog's `decode` key
    std::vector<std::pair<std::string, std::string>> extra;  // --kprobe name=FETCHARG values
};

// Reads the fields one probe's records carry; built once per event format. A tracepoint
// with addresses (tcp:tcp_send_reset, tcp:tcp_receive_reset) gives its tuple as the record
// names it, and one without an skb field but with skaddr decodes with skb 0: a socket event.
class PathEventDecoder {
  public:
    // `lifecycle`: the catalog point's role (PathProbe::lifecycle); `decode` its decode key.
    PathEventDecoder(tep_event* event, std::string func, filters::Layer layer,
                     const std::vector<std::string>& extra_names = {},
                     const std::string& lifecycle = "", DecodeAs decode = DecodeAs::None);
    bool decode(std::span<const uint8_t> raw, PathEvent& out) const;
    bool is_return() const { return static_cast<bool>(ret_); }

  private:
    void decode_sock_tuple(std::span<const uint8_t> raw, PathEvent& out) const;
    void decode_tracepoint_tuple(std::span<const uint8_t> raw, PathEvent& out) const;

    std::string func_;
    DecodeAs decode_;
    filters::Layer layer_;
    bool frees_, entry_;
    void decode_macs(std::span<const uint8_t> raw, PathEvent& out) const;

    FieldRef skb_, len_, proto_, pkt_type_, ifindex_, netns_, skns_, dev_, hdr_, ret_;
    FieldRef maclen_, mac_, skp_, devp_;
    FieldRef fam_, s4_, d4_, sp_, dp_, s6_, s6l_, d6_, d6l_, lsp_;
    FieldRef location_, reason_, sk_, state_;
    DropReasonTable reasons_;  // this event's own reason names (tcp_send_reset has its enum)
    TracepointAddresses addresses_;
    std::string tracepoint_l4_;
    std::vector<std::pair<std::string, FieldRef>> extra_;
};

}  // namespace ftnt
