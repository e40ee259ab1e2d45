// Task names for pids seen in samples (perf samples carry pid/tid, not comm).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace ftnt {

class CommCache {
  public:
    // "swapper/N" for the idle task, /proc/<tid>/comm otherwise, "?" when the task is gone.
    const std::string& name(uint32_t tid, uint32_t cpu);
    // From PERF_RECORD_COMM (exec, prctl) and PERF_RECORD_FORK (a child starts as its parent).
    void renamed(uint32_t tid, const std::string& comm);
    void forked(uint32_t child_tid, uint32_t parent_tid);

  private:
    std::unordered_map<uint32_t, std::string> names_;
    std::unordered_map<uint32_t, std::string> idle_;
};

}  // namespace ftnt
