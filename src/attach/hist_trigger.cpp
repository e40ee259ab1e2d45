#include "attach/hist_trigger.h"

#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

std::string error_log_reason(const std::string& tracefs) {
    std::istringstream lines(read_text_file(tracefs + "/error_log").value_or(""));
    std::string line, reason;
    while (std::getline(lines, line)) {
        auto at = line.find("error: ");
        if (at != std::string::npos) reason = trim(line.substr(at + 7));
    }
    return reason;
}

// A trigger file lists its triggers one a line, "hist:keys=... [active]", after comments.
std::vector<std::string> triggers_in(const std::string& trigger_file) {
    std::vector<std::string> out;
    std::istringstream lines(read_text_file(trigger_file).value_or(""));
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line[0] == '#') continue;
        out.push_back(line.substr(0, line.find(" [")));
    }
    return out;
}

int remove_triggers(const std::string& trigger_file, bool with_actions) {
    int removed = 0;
    for (const auto& text : triggers_in(trigger_file)) {
        bool actions = text.find(":onmatch(") != std::string::npos ||
                       text.find(":onchange(") != std::string::npos;
        if (actions != with_actions) continue;
        if (write_text_file(trigger_file, "!" + text + "\n", true) == 0) ++removed;
    }
    return removed;
}

}  // namespace

HistTrigger::HistTrigger(const std::string& tracefs, const std::string& instance_dir,
                         const std::string& system, const std::string& event, std::string text)
    : dir_(instance_dir + "/events/" + system + "/" + event),
      event_(system + ":" + event),
      text_(std::move(text)) {
    int error = write_text_file(dir_ + "/trigger", text_ + "\n", true);
    if (error == 0) return;
    auto reason = error_log_reason(tracefs);
    throw KernelError(
        errno_message("the kernel refused the trigger \"" + text_ + "\" on " + event_, error) +
        (reason.empty() ? "" : " (" + reason + ")"));
}

HistTrigger::~HistTrigger() {
    write_text_file(dir_ + "/trigger", "!" + text_ + "\n", true);
}

unsigned long long HistTrigger::dropped() const {
    return hist_dropped(read_text_file(dir_ + "/hist").value_or(""));
}

std::string HistTrigger::table() const {
    return read_text_file(dir_ + "/hist").value_or("");
}

unsigned long long hist_dropped(const std::string& hist_text) {
    unsigned long long total = 0;
    std::istringstream lines(hist_text);
    std::string line;
    while (std::getline(lines, line)) {
        auto at = line.find("Dropped:");
        if (at != std::string::npos) total += std::stoull(line.substr(at + 8));
    }
    return total;
}

int remove_instance_triggers(const std::string& instance_dir) {
    std::vector<std::string> files;
    for (const auto& system : list_directory(instance_dir + "/events"))
        for (const auto& event : list_directory(instance_dir + "/events/" + system))
            if (path_exists(instance_dir + "/events/" + system + "/" + event + "/trigger"))
                files.push_back(instance_dir + "/events/" + system + "/" + event + "/trigger");
    int removed = 0;
    // Actions refer to other tables' variables: they go first.
    for (const auto& file : files) removed += remove_triggers(file, true);
    for (const auto& file : files) removed += remove_triggers(file, false);
    return removed;
}

}  // namespace ftnt
