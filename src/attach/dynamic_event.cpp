#include "attach/dynamic_event.h"

#include <set>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

// error_log (5.2+) keeps the kernel's reason, e.g. "Invalid argument for this probe" or
// "Failed to find symbol"; its last lines belong to the write that just failed.
std::string last_error_log_line(const std::string& tracefs) {
    auto text = read_text_file(tracefs + "/error_log").value_or("");
    std::istringstream lines(text);
    std::string line, reason;
    while (std::getline(lines, line)) {
        auto at = line.find("error: ");
        if (at != std::string::npos) reason = trim(line.substr(at + 7));
    }
    return reason;
}

}  // namespace

std::string dynamic_group_for_pid(int pid) {
    return kDynamicGroupPrefix + std::to_string(pid);
}

DynamicEvent::DynamicEvent(const std::string& tracefs, const std::string& group,
                           const KprobeSpec& spec)
    : tracefs_(tracefs), group_(group), spec_(spec) {
    int error = write_text_file(tracefs_ + "/kprobe_events", definition() + "\n", true);
    if (error == 0) return;
    auto reason = last_error_log_line(tracefs_);
    throw KernelError(errno_message("kprobe on " + spec_.function + " refused", error) +
                      (reason.empty() ? "" : " (" + reason + ")"));
}

DynamicEvent::~DynamicEvent() {
    write_text_file(tracefs_ + "/kprobe_events", "-:" + group_ + "/" + spec_.event + "\n", true);
}

std::string kprobe_definition(const std::string& group, const KprobeSpec& spec) {
    return std::string(spec.is_return ? "r" : "p") + ":" + group + "/" + spec.event + " " +
           spec.function + (spec.fetchargs.empty() ? "" : " " + spec.fetchargs);
}

std::string DynamicEvent::definition() const {
    return kprobe_definition(group_, spec_);
}

std::vector<std::string> dynamic_groups(const std::string& tracefs) {
    std::set<std::string> groups;
    std::istringstream lines(read_text_file(tracefs + "/kprobe_events").value_or(""));
    std::string line;
    while (std::getline(lines, line)) {
        auto colon = line.find(':');
        auto slash = line.find('/');
        if (colon == std::string::npos || slash == std::string::npos || slash < colon) continue;
        auto group = line.substr(colon + 1, slash - colon - 1);
        if (group.starts_with(kDynamicGroupPrefix)) groups.insert(group);
    }
    return {groups.begin(), groups.end()};
}

int remove_dynamic_group(const std::string& tracefs, const std::string& group) {
    int removed = 0;
    std::istringstream lines(read_text_file(tracefs + "/kprobe_events").value_or(""));
    std::string line;
    while (std::getline(lines, line)) {
        auto colon = line.find(':');
        auto space = line.find(' ');
        if (colon == std::string::npos || space == std::string::npos) continue;
        auto name = line.substr(colon + 1, space - colon - 1);  // group/event
        if (!name.starts_with(group + "/")) continue;
        if (write_text_file(tracefs + "/kprobe_events", "-:" + name + "\n", true) == 0) ++removed;
    }
    return removed;
}

}  // namespace ftnt
