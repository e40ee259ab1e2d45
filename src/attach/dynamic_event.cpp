#include "attach/dynamic_event.h"

#include <cerrno>
#include <cstdlib>
#include <functional>
#include <set>
#include <sstream>

#include "attach/tracefs_calls.h"
#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt {
namespace {

struct MallocFree {
    void operator()(char* text) const { std::free(text); }
};
using MallocText = std::unique_ptr<char, MallocFree>;

std::string take_text(char* text) {
    MallocText owned(text);
    return owned ? std::string(owned.get()) : std::string();
}

// libtracefs 1.6.4 writes <dir>/dynamic_events (kprobe_events before 4.17) and reads
// <dir>/error_log with a plain open() that follows symlinks, <dir> being the first tracefs of
// /proc/mounts unless it is told otherwise. Told the directory the run found (the base of
// core/beneath's opens too), it opens only those fixed names under it: tracefs holds no
// symlinks, and no name from a catalog or the command line becomes part of a path (they are
// the written text), so nothing outside the mount is followed.
void use_tracefs(const std::string& tracefs) {
    if (ftnt_tracefs_use_dir(tracefs.c_str()) != 0)
        throw KernelError(errno_message("libtracefs cannot use " + tracefs, errno));
}

std::string last_error_entry() {
    return take_text(ftnt_tracefs_error_last());
}

struct KprobeNames {
    std::string group, event, address;
};

// Every kprobe and kretprobe the kernel has, with its names.
void for_each_kprobe(const std::string& tracefs,
                     const std::function<void(tracefs_dynevent*, const KprobeNames&)>& visit) {
    use_tracefs(tracefs);
    std::unique_ptr<tracefs_dynevent*, void (*)(tracefs_dynevent**)> all(ftnt_kprobes_all(),
                                                                         ftnt_dynevent_list_free);
    for (auto** at = all.get(); at && *at; ++at) {
        char *group = nullptr, *event = nullptr, *address = nullptr;
        if (ftnt_dynevent_names(*at, &group, &event, &address) != 0) continue;
        KprobeNames names{take_text(group), take_text(event), take_text(address)};
        // libtracefs 1.6.4 reads dynamic_events for kprobes and takes a uprobe's "p:" line for a
        // kprobe (fixed after 1.7, commit 78d8d2e): a uprobe's address is "PATH:OFFSET".
        if (names.address.find('/') != std::string::npos) continue;
        visit(*at, names);
    }
}

}  // namespace

void DyneventDeleter::operator()(tracefs_dynevent* event) const {
    ftnt_dynevent_free(event);
}

std::string dynamic_group_for_pid(int pid) {
    return kDynamicGroupPrefix + std::to_string(pid);
}

std::string error_log_reason(const std::string& entry) {
    std::istringstream lines(entry);
    std::string line, reason;
    while (std::getline(lines, line)) {
        auto at = line.find("error: ");
        if (at != std::string::npos) reason = trim(line.substr(at + 7));
    }
    return reason;
}

DynamicEvent::DynamicEvent(const std::string& tracefs, const std::string& group,
                           const KprobeSpec& spec)
    : group_(group), spec_(spec) {
    use_tracefs(tracefs);
    event_.reset(ftnt_kprobe_alloc(group_.c_str(), spec_.event.c_str(), spec_.function.c_str(),
                                   spec_.fetchargs.empty() ? nullptr : spec_.fetchargs.c_str(),
                                   spec_.is_return));
    if (!event_) throw KernelError(errno_message("kprobe on " + spec_.function, errno));
    // error_log (5.2+) keeps the kernel's reason; an entry that was there before the write
    // (its timestamp tells repeated ones apart) is not this write's.
    auto before = last_error_entry();
    if (ftnt_dynevent_create(event_.get()) == 0) return;
    int error = errno;
    event_.reset();
    auto after = last_error_entry();
    auto reason = after == before ? std::string() : error_log_reason(after);
    throw KernelError(errno_message("kprobe on " + spec_.function + " refused", error) +
                      (reason.empty() ? "" : " (" + reason + ")"));
}

DynamicEvent::~DynamicEvent() {
    if (event_) ftnt_dynevent_destroy(event_.get());
}

std::string DynamicEvent::definition() const {
    return kprobe_definition(group_, spec_);
}

std::vector<std::string> dynamic_groups(const std::string& tracefs) {
    std::set<std::string> groups;
    for_each_kprobe(tracefs, [&](tracefs_dynevent*, const KprobeNames& names) {
        if (names.group.starts_with(kDynamicGroupPrefix)) groups.insert(names.group);
    });
    return {groups.begin(), groups.end()};
}

int remove_dynamic_group(const std::string& tracefs, const std::string& group) {
    int removed = 0;
    for_each_kprobe(tracefs, [&](tracefs_dynevent* event, const KprobeNames& names) {
        if (names.group == group && ftnt_dynevent_destroy(event) == 0) ++removed;
    });
    return removed;
}

}  // namespace ftnt
