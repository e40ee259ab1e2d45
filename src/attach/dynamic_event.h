// A kprobe or kretprobe event in the run's own group "ftnettrace_<pid>", written to
// <tracefs>/kprobe_events and removed again by the destructor.
#pragma once

#include <string>
#include <vector>

namespace ftnt {

std::string dynamic_group_for_pid(int pid);
constexpr const char* kDynamicGroupPrefix = "ftnettrace_";

struct KprobeSpec {
    std::string event;      // name inside the group
    std::string function;   // probed symbol, optionally "+offset"
    std::string fetchargs;  // "skb=$arg1:x64 len=+112($arg1):u32 ..."
    bool is_return = false;
};

// The kprobe_events line of a spec: "p:GROUP/EVENT FUNCTION FETCHARGS" ("r:" for a return).
std::string kprobe_definition(const std::string& group, const KprobeSpec& spec);

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
    std::string tracefs_;
    std::string group_;
    KprobeSpec spec_;
};

// Removes every event of a group (for --cleanup); returns how many were removed.
int remove_dynamic_group(const std::string& tracefs, const std::string& group);
// Groups named ftnettrace_<pid> present in kprobe_events.
std::vector<std::string> dynamic_groups(const std::string& tracefs);

}  // namespace ftnt
