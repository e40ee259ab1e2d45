// An OutputSink over a memfd (a regular file: every write completes), read back as text.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "core/unique_fd.h"
#include "output/output_sink.h"

namespace ftnt {

class CapturedSink {
  public:
    CapturedSink() : fd_(::memfd_create("ftnettrace-test-output", MFD_CLOEXEC)), sink(fd_.get()) {}
    std::string str() {
        sink.flush();
        std::string text;
        char chunk[4096];
        off_t at = 0;
        for (ssize_t n; (n = ::pread(fd_.get(), chunk, sizeof chunk, at)) > 0; at += n)
            text.append(chunk, static_cast<std::size_t>(n));
        return text;
    }

  private:
    UniqueFd fd_;

  public:
    OutputSink sink;
};

}  // namespace ftnt
