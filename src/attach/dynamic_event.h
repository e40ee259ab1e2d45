// A kprobe or kretprobe event in the run's own group "ftnettrace_<pid>", made through
// libtracefs' dynamic event API and removed again by the destructor.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plan/kprobe_spec.h"

struct tracefs_dynevent;

namespace ftnt {

std::string dynamic_group_for_pid(int pid);
constexpr const char* kDynamicGroupPrefix = "ftnettrace_";

// The kernel's reason in an error_log entry ("Invalid register name" out of
// "[  12.3] trace_kprobe: error: Invalid register name\n  Command: ...\n   ^"), or "".
std::string error_log_reason(const std::string& entry);

struct DyneventDeleter {
    void operator()(tracefs_dynevent* event) const;
};

class DynamicEvent {
  public:
    // Throws KernelError naming why the kernel refused (its error_log line when it has one).
    DynamicEvent(const std::string& tracefs, const std::string& group, const KprobeSpec& spec);
    ~DynamicEvent();
    DynamicEvent(const DynamicEvent&) = delete;
    DynamicEvent& operator=(const DynamicEvent&) = delete;

    const std::string& group() const { return group_; }
    const std::string& name() const { return spec_.event; }
    const KprobeSpec& spec() const { return spec_; }
    std::string definition() const;

  private:
    std::string group_;
    KprobeSpec spec_;
    std::unique_ptr<tracefs_dynevent, DyneventDeleter> event_;
};

// Removes every kprobe of a group (for --cleanup); returns how many were removed.
int remove_dynamic_group(const std::string& tracefs, const std::string& group);
// Groups named ftnettrace_<pid> among the kernel's kprobes.
std::vector<std::string> dynamic_groups(const std::string& tracefs);

}  // namespace ftnt
