#include "netfilter/nftrace_reader.h"

#include <linux/netfilter/nfnetlink.h>

#include <cerrno>

#include "core/errors.h"

namespace ftnt::netfilter {

NftraceReader::NftraceReader() : socket_(true), buffer_(64 * 1024) {
    int error = socket_.join_group(NFNLGRP_NFTRACE);
    if (error == EPERM || error == EACCES)
        throw KernelError(errno_message(
            "join NFNLGRP_NFTRACE: the nf_tables trace group needs CAP_NET_ADMIN, which this "
            "process lacks (root without all capabilities?)",
            error));
    if (error != 0)
        throw KernelError(
            errno_message("join NFNLGRP_NFTRACE (kernel without nf_tables trace, 4.6+?)", error));
    // A burst of traced packets gives several messages per packet per chain: a large buffer.
    socket_.set_receive_buffer(8 << 20);
}

void NftraceReader::drain(const std::function<void(const NftTraceEvent&)>& on_event) {
    for (int i = 0; i < 10000; ++i) {
        auto got = socket_.receive(buffer_);
        if (!got) {
            if (errno == EINTR) continue;
            if (errno == ENOBUFS) {
                ++overruns_;
                continue;
            }
            return;  // EAGAIN
        }
        if (!got->from_kernel) continue;
        if (got->truncated) ++overruns_;
        decode_nftrace_messages(buffer_.data(), got->size, on_event);
    }
}

}  // namespace ftnt::netfilter
