#include "attach/synthetic_event.h"

#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {

SyntheticEvent::SyntheticEvent(const std::string& tracefs, std::string name,
                               const std::string& fields)
    : tracefs_(tracefs), name_(std::move(name)) {
    int error = write_text_file(tracefs_ + "/synthetic_events", name_ + " " + fields + "\n", true);
    if (error != 0)
        throw KernelError(errno_message("the kernel refused the synthetic event " + name_, error));
}

SyntheticEvent::~SyntheticEvent() {
    if (!enabled_in_.empty())
        write_text_file(enabled_in_ + "/events/synthetic/" + name_ + "/enable", "0\n");
    remove_synthetic_event(tracefs_, name_);
}

void SyntheticEvent::enable_in(const std::string& instance_dir) {
    int error = write_text_file(instance_dir + "/events/synthetic/" + name_ + "/enable", "1\n");
    if (error != 0) throw KernelError(errno_message("cannot enable synthetic:" + name_, error));
    enabled_in_ = instance_dir;
}

std::vector<std::string> synthetic_events_named(const std::string& tracefs,
                                                const std::string& prefix) {
    std::vector<std::string> names;
    std::istringstream lines(read_text_file(tracefs + "/synthetic_events").value_or(""));
    std::string line;
    while (std::getline(lines, line)) {
        auto name = line.substr(0, line.find_first_of(" \t"));
        if (name.starts_with(prefix)) names.push_back(name);
    }
    return names;
}

int remove_synthetic_event(const std::string& tracefs, const std::string& name) {
    return write_text_file(tracefs + "/synthetic_events", "!" + name + "\n", true);
}

}  // namespace ftnt
