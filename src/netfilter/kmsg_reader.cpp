#include "netfilter/kmsg_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string_view>

#include "core/errors.h"

namespace ftnt::netfilter {

KmsgReader::KmsgReader() : fd_(::open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)) {
    if (!fd_.valid()) throw KernelError(errno_message("cannot open /dev/kmsg", errno));
    // Only what is logged from now on: lines of earlier runs are not ours.
    if (::lseek(fd_.get(), 0, SEEK_END) < 0)
        throw KernelError(errno_message("cannot seek /dev/kmsg", errno));
}

void KmsgReader::drain(const std::function<void(const KmsgRecord&)>& on_record) {
    char buffer[8192];  // one record per read; a record is at most 1024 bytes of text + dict
    for (int i = 0; i < 100000; ++i) {
        auto n = ::read(fd_.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            // EPIPE: overwritten before we read it; the sequence gap below counts them.
            if (errno == EPIPE) continue;
            return;  // EAGAIN: nothing more now
        }
        if (n == 0) return;
        auto record = parse_kmsg_record(std::string_view(buffer, static_cast<std::size_t>(n)));
        if (!record) continue;
        if (have_sequence_ && record->sequence > next_sequence_)
            lost_ += record->sequence - next_sequence_;
        next_sequence_ = record->sequence + 1;
        have_sequence_ = true;
        on_record(*record);
    }
}

}  // namespace ftnt::netfilter
