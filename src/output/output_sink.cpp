#include "output/output_sink.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>

#include "core/errors.h"

namespace ftnt {
namespace {

constexpr std::size_t kFlushAt = 64u << 10;
constexpr std::size_t kMaxWrite = 1u << 20;

bool opened_for_writing(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_ACCMODE) != O_RDONLY;
}

}  // namespace

OutputSink::OutputSink(int fd, std::size_t capacity) : fd_(fd), capacity_(capacity) {
    struct stat st = {};
    if (::fstat(fd, &st) != 0 || S_ISREG(st.st_mode) || !opened_for_writing(fd)) return;
    if (S_ISSOCK(st.st_mode)) {
        socket_ = true;
        return;
    }
    // A file description of our own for a pipe, FIFO or terminal: O_NONBLOCK on the one we
    // inherited would be seen by the shell and every other process sharing it.
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    own_ = UniqueFd(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
    if (own_.valid()) return;
    int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0 && !(flags & O_NONBLOCK) && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0)
        restore_flags_ = flags;
}

OutputSink::~OutputSink() {
    if (restore_flags_ >= 0) ::fcntl(fd_, F_SETFL, restore_flags_);
}

long OutputSink::write_some(const char* data, std::size_t size) {
    int fd = own_.valid() ? own_.get() : fd_;
    ssize_t n =
        socket_ ? ::send(fd, data, size, MSG_DONTWAIT | MSG_NOSIGNAL) : ::write(fd, data, size);
    if (n >= 0) return n;
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
    if (errno == EPIPE)
        closed_ = true;
    else
        error_ = errno;
    give_up_pending();
    return -1;
}

void OutputSink::account_written() {
    while (!records_.empty() && records_.front().end <= written_bytes_) {
        if (records_.front().counted) ++counted_written_;
        records_.pop_front();
    }
}

void OutputSink::give_up_pending() {
    not_written_ += records_.size();
    records_.clear();
    buffer_.clear();
    head_ = 0;
}

void OutputSink::commit(bool counted) {
    auto fits = [&] { return buffer_.size() - head_ + record_.size() <= capacity_; };
    if (counted && !fits()) flush();  // never waits: a regular file takes it all
    if (stopped() || (counted && !fits())) {
        ++not_written_;
        record_.clear();
        return;
    }
    buffer_ += record_;
    committed_bytes_ += record_.size();
    records_.push_back({committed_bytes_, counted});
    record_.clear();
    if (buffer_.size() - head_ >= kFlushAt) flush();
}

bool OutputSink::has_room() {
    if (stopped()) return false;
    if (buffer_.size() - head_ + kFlushAt <= capacity_) return true;
    flush();
    return !stopped() && buffer_.size() - head_ + kFlushAt <= capacity_;
}

void OutputSink::flush() {
    while (head_ < buffer_.size() && !stopped()) {
        long n = write_some(buffer_.data() + head_, std::min(buffer_.size() - head_, kMaxWrite));
        if (n <= 0) break;
        head_ += static_cast<std::size_t>(n);
        written_bytes_ += static_cast<uint64_t>(n);
        account_written();
    }
    if (head_ == buffer_.size()) {
        buffer_.clear();
        head_ = 0;
    } else if (head_ > kFlushAt && head_ > buffer_.size() / 2) {
        buffer_.erase(0, head_);
        head_ = 0;
    }
}

void OutputSink::drain(int timeout_ms) {
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
        flush();
        if (!pending() || stopped()) return;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) break;
        pollfd out = {own_.valid() ? own_.get() : fd_, POLLOUT, 0};
        ::poll(&out, 1, static_cast<int>(left.count()));
    }
    give_up_pending();
}

OutputEnd finish_output(OutputSink& sink, int drain_ms) {
    sink.drain(drain_ms);
    OutputEnd end;
    if (sink.error()) {
        end.notes.push_back(std::string("output: ") + std::strerror(sink.error()));
        end.exit_code = kExitOutput;
    } else if (sink.closed()) {
        end.notes.push_back("output closed by its reader: run ended");
    }
    if (sink.not_written())
        end.notes.push_back(std::to_string(sink.not_written()) + " records not written: " +
                            (sink.error()    ? "output failed"
                             : sink.closed() ? "output closed"
                                             : "output too slow"));
    return end;
}

}  // namespace ftnt
