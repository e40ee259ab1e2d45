// Where every mode's records go: an append buffer written with write(2) on a descriptor that
// never blocks, so a slow or gone reader cannot hold the run (its stop conditions, its
// teardown) hostage.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "core/unique_fd.h"

namespace ftnt {

class OutputSink {
  public:
    // `fd` stays open (it is the caller's). A pipe, FIFO or terminal is reopened with
    // O_NONBLOCK (a file description of our own: the shell's stays as it was); a socket is
    // written with MSG_DONTWAIT; a regular file as it is.
    explicit OutputSink(int fd, std::size_t capacity = kDefaultCapacity);
    ~OutputSink();
    OutputSink(const OutputSink&) = delete;
    OutputSink& operator=(const OutputSink&) = delete;

    // The record being built; commit() ends it.
    std::string& record() { return record_; }
    // Keeps the record for writing. A record that does not fit in the buffer (the reader is
    // slower than the events) or comes after a write error is counted as not written.
    // `counted`: a record the run reports as shown (a drop, a packet, a step); the others
    // (lost notices, summaries) are always kept while the output works.
    void commit(bool counted = true);
    // Whether a counted record would be kept now (flushing first when the buffer is nearly
    // full). When not, the format skips building it and calls skip(): under a flood into a
    // slow reader the run spends no time on records nobody will read.
    bool has_room();
    void skip() { ++not_written_; }
    // Writes what the descriptor takes now; never waits.
    void flush();
    // At the end of a run: waits up to `timeout_ms` for the reader to take the rest.
    void drain(int timeout_ms);

    // The reader closed its end (EPIPE): a normal end of the run.
    bool closed() const { return closed_; }
    // errno of a write that failed otherwise (ENOSPC, EIO...), 0 when none did.
    int error() const { return error_; }
    bool stopped() const { return closed_ || error_ != 0; }
    uint64_t shown() const { return counted_written_; }
    uint64_t not_written() const { return not_written_; }
    bool pending() const { return head_ < buffer_.size(); }

    static constexpr std::size_t kDefaultCapacity = 4u << 20;

  private:
    struct Pending {
        uint64_t end = 0;  // offset of the record's end in the bytes committed so far
        bool counted = false;
    };
    long write_some(const char* data, std::size_t size);
    void account_written();
    void give_up_pending();

    int fd_;
    UniqueFd own_;            // our non-blocking reopen of fd_, when made
    int restore_flags_ = -1;  // fd_'s flags to restore when O_NONBLOCK was set on it
    bool socket_ = false;
    std::size_t capacity_;
    std::string record_;
    std::string buffer_;
    std::size_t head_ = 0;          // bytes of buffer_ already written
    uint64_t committed_bytes_ = 0;  // all bytes ever put in buffer_
    uint64_t written_bytes_ = 0;    // all bytes ever written
    std::deque<Pending> records_;   // committed, not yet wholly written
    bool closed_ = false;
    int error_ = 0;
    uint64_t counted_written_ = 0;
    uint64_t not_written_ = 0;
};

// The end of a run's output: waits up to `drain_ms` for the reader, then gives the lines for
// stderr ("12 records not written: output too slow", "output: No space left on device") and
// the exit status (kExitOutput after a write error, else kExitOk).
struct OutputEnd {
    std::vector<std::string> notes;
    int exit_code = 0;
};
OutputEnd finish_output(OutputSink& sink, int drain_ms = 500);

}  // namespace ftnt
