// --metrics-file: the exposition rewritten atomically for node_exporter's textfile collector.
// Each version goes to a hidden temporary file in the same directory (the collector reads
// *.prom only), is fsynced and renamed over the path: a reader sees the old file or the new
// one, never part of one.
#pragma once

#include <string>

#include "core/unique_fd.h"

namespace ftnt {

class MetricsFile {
  public:
    // Throws UsageError when the directory does not exist or the path names a directory.
    explicit MetricsFile(const std::string& path);
    ~MetricsFile();
    MetricsFile(const MetricsFile&) = delete;
    MetricsFile& operator=(const MetricsFile&) = delete;

    // Returns "" or what failed (the previous version then stays in place).
    std::string write(const std::string& text);

  private:
    UniqueFd dir_;
    std::string name_, temp_;
};

}  // namespace ftnt
