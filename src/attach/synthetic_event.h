// A synthetic event (<tracefs>/synthetic_events, global like kprobe_events), optionally
// enabled in the run's instance; the destructor disables it there and removes it ("!NAME").
// Its name starts with the run's group (ftnettrace_<pid>): two runs never share one.
#pragma once

#include <string>
#include <vector>

namespace ftnt {

class SyntheticEvent {
  public:
    // `fields`: "u64 skb; u64 age_us". Throws KernelError when refused.
    SyntheticEvent(const std::string& tracefs, std::string name, const std::string& fields);
    ~SyntheticEvent();
    SyntheticEvent(const SyntheticEvent&) = delete;
    SyntheticEvent& operator=(const SyntheticEvent&) = delete;

    // Records it in the instance's buffer (read from trace_pipe_raw).
    void enable_in(const std::string& instance_dir);
    const std::string& name() const { return name_; }

  private:
    std::string tracefs_, name_, enabled_in_;
};

// Synthetic events whose name starts with `prefix` (for --cleanup).
std::vector<std::string> synthetic_events_named(const std::string& tracefs,
                                                const std::string& prefix);
// Removes one; 0 or errno (EBUSY while a trigger still refers to it).
int remove_synthetic_event(const std::string& tracefs, const std::string& name);

}  // namespace ftnt
