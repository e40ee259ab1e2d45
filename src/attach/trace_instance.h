// The run's private tracefs instance "ftnettrace-<pid>": every write to tracefs goes here,
// never to the top-level buffer or another tool's instance.
#pragma once

#include <string>
#include <vector>

struct tracefs_instance;

namespace ftnt {

std::string instance_name_for_pid(int pid);
constexpr const char* kInstancePrefix = "ftnettrace-";

class TraceInstance {
  public:
    // Creates the instance (throws KernelError when the kernel refuses).
    TraceInstance(const std::string& tracefs, const std::string& name);
    ~TraceInstance();
    TraceInstance(const TraceInstance&) = delete;
    TraceInstance& operator=(const TraceInstance&) = delete;

    const std::string& name() const { return name_; }
    const std::string& dir() const { return dir_; }
    tracefs_instance* handle() const { return instance_; }

    // Sets an event filter in this instance. Returns "" when the kernel took it, else the
    // kernel's own parse error text.
    std::string set_filter(const std::string& system, const std::string& event,
                           const std::string& filter);
    // The kernel's words for a filter: set here to see whether it takes it, then cleared
    // (the event stays unfiltered in this instance). "" when it took it.
    std::string try_filter(const std::string& system, const std::string& event,
                           const std::string& filter);
    void enable_event(const std::string& system, const std::string& event);
    void set_buffer_size_kb(std::size_t kb);

  private:
    std::string event_dir(const std::string& system, const std::string& event) const;

    std::string name_;
    std::string dir_;
    tracefs_instance* instance_ = nullptr;
    std::vector<std::string> enabled_;  // event directories (under dir_) to disable on teardown
};

// Removes one instance left behind: disables its events, clears filters, removes it.
bool remove_instance_dir(const std::string& tracefs, const std::string& name);

}  // namespace ftnt
