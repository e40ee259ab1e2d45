// Finds tracefs, mounting it when no mount is there yet. A mount made here stays after the
// run: other runs may use it by then.
#pragma once

#include <string>

namespace ftnt {

class TracefsMount {
  public:
    // Throws KernelError with one line naming what is missing.
    TracefsMount();
    ~TracefsMount();
    TracefsMount(const TracefsMount&) = delete;
    TracefsMount& operator=(const TracefsMount&) = delete;

    const std::string& path() const { return path_; }
    bool mounted_by_us() const { return mounted_here_; }

  private:
    std::string path_;
    bool mounted_here_ = false;
};

// Without mounting: the tracefs path if one is mounted, else "".
std::string find_tracefs();

}  // namespace ftnt
