// A hist trigger on one event of the run's instance (<instance>/events/SYS/EV/trigger),
// removed again ("!" + its text) by the destructor. Triggers that refer to another's
// variables must be removed first: the kernel answers EBUSY otherwise.
#pragma once

#include <string>
#include <vector>

namespace ftnt {

class HistTrigger {
  public:
    // Throws KernelError with the kernel's error_log reason when refused.
    HistTrigger(const std::string& tracefs, const std::string& instance_dir,
                const std::string& system, const std::string& event, std::string text);
    ~HistTrigger();
    HistTrigger(const HistTrigger&) = delete;
    HistTrigger& operator=(const HistTrigger&) = delete;

    // Entries the table could not take (its "Dropped:" line), read from the hist file.
    unsigned long long dropped() const;
    // The hist file: the table's entries, then its Totals.
    std::string table() const;
    const std::string& event() const { return event_; }

  private:
    std::string dir_;  // the event's directory in the instance
    std::string event_;
    std::string text_;
};

// "Dropped: N" summed over a hist file's tables.
unsigned long long hist_dropped(const std::string& hist_text);

// Removes every hist trigger of every event in an instance (--cleanup): those naming
// synthetic events (onmatch/trace) first. Returns how many were removed.
int remove_instance_triggers(const std::string& instance_dir);

}  // namespace ftnt
