#include "attach/trace_instance.h"

#include <sys/stat.h>
#include <unistd.h>
#include "attach/tracefs_calls.h"

#include <cerrno>

#include "core/beneath.h"
#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

// The kernel answers a rejected filter with EINVAL and leaves "parse_error: ..." in the file.
std::string filter_error_text(const std::string& dir, const std::string& filter_file) {
    auto text = read_beneath(dir, filter_file).value_or("");
    auto at = text.find("parse_error:");
    if (at == std::string::npos) return trim(text);
    return trim(text.substr(at));
}

}  // namespace

std::string instance_name_for_pid(int pid) {
    return kInstancePrefix + std::to_string(pid);
}

TraceInstance::TraceInstance(const std::string& tracefs, const std::string& name)
    : name_(name), dir_(tracefs + "/instances/" + name) {
    if (path_exists(dir_)) throw KernelError("tracefs instance " + name + " already exists");
    instance_ = ftnt_tracefs_instance_create(name.c_str());
    if (!instance_ || !path_exists(dir_)) {
        int error = errno;
        if (instance_) ftnt_tracefs_instance_free(instance_);
        throw KernelError(errno_message("cannot create tracefs instance " + name, error));
    }
}

TraceInstance::~TraceInstance() {
    for (const auto& dir : enabled_) {
        write_beneath(dir_, dir + "/enable", "0");
        write_beneath(dir_, dir + "/filter", "0");
    }
    ftnt_tracefs_instance_destroy(instance_);
    ftnt_tracefs_instance_free(instance_);
}

std::string TraceInstance::event_dir(const std::string& system, const std::string& event) const {
    return "events/" + system + "/" + event;  // under dir_, opened by core/beneath
}

std::string TraceInstance::set_filter(const std::string& system, const std::string& event,
                                      const std::string& filter) {
    auto file = event_dir(system, event) + "/filter";
    int error = write_beneath(dir_, file, filter.empty() ? "0" : filter);
    if (error == 0) return {};
    auto text = filter_error_text(dir_, file);
    write_beneath(dir_, file, "0");
    return text.empty() ? errno_message("filter", error) : text;
}

std::string TraceInstance::try_filter(const std::string& system, const std::string& event,
                                      const std::string& filter) {
    auto error = set_filter(system, event, filter);
    set_filter(system, event, "");
    return error;
}

void TraceInstance::enable_event(const std::string& system, const std::string& event) {
    auto dir = event_dir(system, event);
    enabled_.push_back(dir);
    if (int error = write_beneath(dir_, dir + "/enable", "1"))
        throw KernelError(errno_message("cannot enable " + system + ":" + event, error));
}

void TraceInstance::set_buffer_size_kb(std::size_t kb) {
    if (ftnt_tracefs_instance_set_buffer_size(instance_, kb, -1) < 0)
        throw KernelError(errno_message("cannot size the buffer of " + name_, errno));
}

bool remove_instance_dir(const std::string& tracefs, const std::string& name) {
    auto dir = tracefs + "/instances/" + name;
    write_text_file(dir + "/events/enable", "0");
    return ::rmdir(dir.c_str()) == 0;
}

}  // namespace ftnt
