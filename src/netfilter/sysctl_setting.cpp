#include "netfilter/sysctl_setting.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt::netfilter {
namespace {

std::optional<std::string> read_fd(int fd) {
    char buffer[256];
    auto n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n < 0) return std::nullopt;
    return trim(std::string(buffer, static_cast<std::size_t>(n)));
}

int write_fd(int fd, const std::string& value) {
    std::string text = value + "\n";
    if (::lseek(fd, 0, SEEK_SET) < 0) return errno;
    auto n = ::write(fd, text.data(), text.size());
    return n == static_cast<ssize_t>(text.size()) ? 0 : (n < 0 ? errno : EIO);
}

// Another run that recorded this sysctl (it changed it, or took it over); with
// `live_only`, only a run that is still alive (its state file is locked).
std::optional<SysctlRecord> held_by_other_run(int self, uint32_t netns, const std::string& key,
                                              bool live_only, int* holder = nullptr) {
    for (const auto& file : read_state_files()) {
        if (file.pid == self || (live_only && !run_alive(file.pid))) continue;
        for (const auto& record : file.sysctls)
            if (record.netns == netns && record.key == key) {
                if (holder) *holder = file.pid;
                return record;
            }
    }
    return std::nullopt;
}

}  // namespace

std::string sysctl_name(const std::string& key) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '/', '.');
    return name;
}

std::optional<std::string> read_sysctl(const std::string& key) {
    auto text = read_text_file("/proc/sys/" + key);
    if (!text) return std::nullopt;
    return trim(*text);
}

SysctlSetting::SysctlSetting(RunState& state, uint32_t netns, std::string key, std::string value,
                             std::ostream& log)
    : state_(state), netns_(netns), key_(std::move(key)), new_(std::move(value)), log_(log) {
    std::string path = "/proc/sys/" + key_;
    fd_ = UniqueFd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
    if (!fd_.valid())
        throw KernelError(
            errno_message("cannot open " + path + " (" + sysctl_name(key_) + ")", errno));
    auto current = read_fd(fd_.get());
    if (!current) throw KernelError(errno_message("cannot read " + path, errno));
    if (*current == new_) {
        // Set by another run, alive or killed: its record holds the value from before any
        // run changed it; this run depends on it too and restores it if it ends last.
        if (auto other = held_by_other_run(state_.pid(), netns_, key_, false);
            other && other->new_value == new_) {
            old_ = other->old_value;
            restore_ = true;
            state_.add_sysctl({netns_, key_, old_, new_});
        }
        return;
    }
    old_ = *current;
    state_.add_sysctl({netns_, key_, old_, new_});  // recorded before it is changed
    if (int error = write_fd(fd_.get(), new_); error != 0) {
        state_.remove_sysctl(netns_, key_);
        throw KernelError(errno_message("cannot set " + sysctl_name(key_) + "=" + new_, error));
    }
    restore_ = true;
    log_ << "ftnettrace: set " << sysctl_name(key_) << "=" << new_ << " (was " << old_
         << ") for this run\n";
}

SysctlSetting::~SysctlSetting() {
    if (!restore_) return;
    int holder = 0;
    if (held_by_other_run(state_.pid(), netns_, key_, true, &holder)) {
        log_ << "ftnettrace: left " << sysctl_name(key_) << "=" << new_ << ": run " << holder
             << " still needs it and will restore " << old_ << "\n";
    } else if (auto current = read_fd(fd_.get()); current && *current != new_) {
        log_ << "ftnettrace: left " << sysctl_name(key_) << "=" << *current
             << ": changed by someone else during the run\n";
    } else if (write_fd(fd_.get(), old_) == 0) {
        restored_ = true;
        log_ << "ftnettrace: restored " << sysctl_name(key_) << "=" << old_ << "\n";
    } else {
        log_ << "ftnettrace: could not restore " << sysctl_name(key_) << "=" << old_
             << "; `ftnettrace --cleanup` will retry\n";
        return;  // keep the record: the state file is left for --cleanup
    }
    try {
        state_.remove_sysctl(netns_, key_);
    } catch (const std::exception&) {
    }
}

}  // namespace ftnt::netfilter
