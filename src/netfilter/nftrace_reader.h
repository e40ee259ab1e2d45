// nf_tables trace events over netlink (NFNLGRP_NFTRACE), read in the namespace the reader
// was made in (netlink_socket.h, nft_trace_message.h).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "netfilter/netlink_socket.h"
#include "netfilter/nft_trace_message.h"

namespace ftnt::netfilter {

class NftraceReader {
  public:
    NftraceReader();  // throws KernelError

    int fd() const { return socket_.fd(); }
    void drain(const std::function<void(const NftTraceEvent&)>& on_event);
    // ENOBUFS (the socket buffer overflowed) and datagrams cut to the buffer: messages lost.
    uint64_t overruns() const { return overruns_; }

  private:
    NetlinkSocket socket_;
    std::vector<uint8_t> buffer_;
    uint64_t overruns_ = 0;
};

}  // namespace ftnt::netfilter
