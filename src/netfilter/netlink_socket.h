// A NETLINK_NETFILTER socket of the calling thread's network namespace, bound to a port the
// kernel picks; closed with the object.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "core/unique_fd.h"

namespace ftnt::netfilter {

struct NetlinkReceive {
    std::size_t size = 0;    // bytes of the datagram kept in the buffer
    bool truncated = false;  // the datagram was longer than the buffer (MSG_TRUNC)
    bool from_kernel = true;
};

class NetlinkSocket {
  public:
    // throws KernelError. non_blocking: receive() returns at once when nothing is queued.
    explicit NetlinkSocket(bool non_blocking);

    int fd() const { return fd_.get(); }
    uint32_t port() const { return port_; }
    // NETLINK_ADD_MEMBERSHIP; returns errno, 0 on success.
    int join_group(unsigned group);
    // SO_RCVBUFFORCE (needs CAP_NET_ADMIN), else SO_RCVBUF up to net.core.rmem_max.
    void set_receive_buffer(int bytes);
    // SO_RCVTIMEO on a blocking socket: receive() waits no longer.
    void set_receive_timeout(int seconds);
    // Returns errno, 0 on success.
    int send(std::span<const uint8_t> message);
    // One datagram; nullopt with errno set (EAGAIN, EINTR, ENOBUFS: the kernel dropped
    // messages because the receive buffer was full).
    std::optional<NetlinkReceive> receive(std::span<uint8_t> buffer);

  private:
    UniqueFd fd_;
    uint32_t port_ = 0;
};

}  // namespace ftnt::netfilter
