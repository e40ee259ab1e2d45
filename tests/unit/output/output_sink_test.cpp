#include "output/output_sink.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <string>

#include "core/errors.h"

namespace ftnt {
namespace {

void commit_line(OutputSink& sink, const std::string& text, bool counted = true) {
    sink.record() += text;
    sink.record() += '\n';
    sink.commit(counted);
}

struct Pipe {
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) == 0) {
            read_end = UniqueFd(fds[0]);
            write_end = UniqueFd(fds[1]);
        }
    }
    UniqueFd read_end, write_end;
};

TEST(OutputSink, ReaderThatNeverReadsDoesNotBlockAndUnwrittenRecordsAreCounted) {
    Pipe pipe;
    ASSERT_TRUE(pipe.write_end.valid());
    OutputSink sink(pipe.write_end.get(), 256u << 10);
    std::string record(1000, 'x');
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 2000; ++i) commit_line(sink, record);  // 2 MB into 64 KiB + 256 KiB
    sink.flush();
    auto end = finish_output(sink, 100);
    auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 2.0);
    EXPECT_EQ(end.exit_code, kExitOk);
    EXPECT_GT(sink.not_written(), 1500u);
    EXPECT_EQ(sink.shown() + sink.not_written(), 2000u);
    ASSERT_FALSE(end.notes.empty());
    EXPECT_NE(end.notes.back().find("records not written: output too slow"), std::string::npos)
        << end.notes.back();
    // The pipe holds only whole records that were counted as shown.
    std::string got(128u << 10, '\0');
    ::fcntl(pipe.read_end.get(), F_SETFL, O_NONBLOCK);
    ssize_t n = ::read(pipe.read_end.get(), got.data(), got.size());
    ASSERT_GT(n, 0);
    EXPECT_EQ(static_cast<uint64_t>(n) / 1001, sink.shown());
}

TEST(OutputSink, InheritedPipeKeepsItsBlockingMode) {
    Pipe pipe;
    { OutputSink sink(pipe.write_end.get()); }
    EXPECT_EQ(::fcntl(pipe.write_end.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(OutputSink, ClosedReaderEndsWithoutError) {
    ::signal(SIGPIPE, SIG_IGN);  // as main() does
    Pipe pipe;
    OutputSink sink(pipe.write_end.get());
    pipe.read_end.reset();
    commit_line(sink, "one");
    sink.flush();
    EXPECT_TRUE(sink.closed());
    EXPECT_TRUE(sink.stopped());
    commit_line(sink, "two");
    auto end = finish_output(sink);
    EXPECT_EQ(end.exit_code, kExitOk);
    EXPECT_EQ(sink.shown(), 0u);
    EXPECT_EQ(sink.not_written(), 2u);
}

TEST(OutputSink, WriteErrorIsReportedAndNothingCountsAsShown) {
    UniqueFd full(::open("/dev/full", O_WRONLY | O_CLOEXEC));
    if (!full.valid()) GTEST_SKIP() << "no /dev/full";
    OutputSink sink(full.get());
    commit_line(sink, "one");
    commit_line(sink, "summary", false);
    auto end = finish_output(sink);
    EXPECT_EQ(sink.error(), ENOSPC);
    EXPECT_EQ(end.exit_code, kExitOutput);
    EXPECT_EQ(sink.shown(), 0u);
    ASSERT_FALSE(end.notes.empty());
    EXPECT_EQ(end.notes.front(), "output: No space left on device");
}

TEST(OutputSink, RegularFileGetsEveryRecordAndCountsOnlyCountedOnes) {
    char path[] = "/tmp/ftnettrace-sink-XXXXXX";
    UniqueFd file(::mkstemp(path));
    ASSERT_TRUE(file.valid());
    ::unlink(path);
    OutputSink sink(file.get(), 1024);  // a small buffer: flushed as it goes
    for (int i = 0; i < 100; ++i) commit_line(sink, std::string(100, 'a'));
    commit_line(sink, "lost", false);
    auto end = finish_output(sink);
    EXPECT_EQ(end.exit_code, kExitOk);
    EXPECT_TRUE(end.notes.empty());
    EXPECT_EQ(sink.shown(), 100u);
    EXPECT_EQ(::lseek(file.get(), 0, SEEK_END), 100 * 101 + 5);
}

}  // namespace
}  // namespace ftnt
