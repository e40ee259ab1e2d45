#include "netfilter/netlink_socket.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cerrno>

#include "core/errors.h"

namespace ftnt::netfilter {

NetlinkSocket::NetlinkSocket(bool non_blocking)
    : fd_(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | (non_blocking ? SOCK_NONBLOCK : 0),
                   NETLINK_NETFILTER)) {
    if (!fd_) throw KernelError(errno_message("netlink socket (NETLINK_NETFILTER)", errno));
    sockaddr_nl address{};
    address.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks the port
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        throw KernelError(errno_message("bind netlink socket", errno));
    socklen_t length = sizeof address;
    if (::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw KernelError(errno_message("getsockname of netlink socket", errno));
    port_ = address.nl_pid;
}

int NetlinkSocket::join_group(unsigned group) {
    if (::setsockopt(fd_.get(), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0)
        return errno;
    return 0;
}

void NetlinkSocket::set_receive_buffer(int bytes) {
    if (::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0)
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
}

void NetlinkSocket::set_receive_timeout(int seconds) {
    timeval timeout{seconds, 0};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
}

int NetlinkSocket::send(std::span<const uint8_t> message) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    auto sent = ::sendto(fd_.get(), message.data(), message.size(), 0,
                         reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
    if (sent < 0) return errno;
    return static_cast<std::size_t>(sent) == message.size() ? 0 : EMSGSIZE;
}

std::optional<NetlinkReceive> NetlinkSocket::receive(std::span<uint8_t> buffer) {
    sockaddr_nl sender{};
    iovec vector{buffer.data(), buffer.size()};
    msghdr message{};
    message.msg_name = &sender;
    message.msg_namelen = sizeof sender;
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    auto got = ::recvmsg(fd_.get(), &message, 0);
    if (got < 0) return std::nullopt;
    NetlinkReceive result;
    result.size = static_cast<std::size_t>(got);
    result.truncated = (message.msg_flags & MSG_TRUNC) != 0;
    // Another process may send to this port; only the kernel's messages count.
    result.from_kernel = message.msg_namelen == sizeof sender && sender.nl_pid == 0;
    return result;
}

}  // namespace ftnt::netfilter
