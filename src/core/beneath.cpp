#include "core/beneath.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

#include "core/unique_fd.h"

namespace ftnt {
namespace {

int openat2_beneath(int dir, const std::string& relative, int flags) {
    open_how how;
    std::memset(&how, 0, sizeof how);
    how.flags = static_cast<__u64>(static_cast<unsigned>(flags | O_CLOEXEC));
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    return static_cast<int>(::syscall(SYS_openat2, dir, relative.c_str(), &how, sizeof how));
}

// Before openat2 (5.6): one component at a time, none of them "..", "." or a symlink.
int open_per_component(int dir, const std::string& relative, int flags) {
    std::vector<std::string> parts;
    std::stringstream in(relative);
    std::string part;
    while (std::getline(in, part, '/')) parts.push_back(part);
    if (parts.empty()) return errno = ENOENT, -1;
    UniqueFd current(::fcntl(dir, F_DUPFD_CLOEXEC, 0));
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (parts[i].empty() || parts[i] == "." || parts[i] == "..") return errno = EXDEV, -1;
        bool last = i + 1 == parts.size();
        int next = last ? ::openat(current.get(), parts[i].c_str(), flags | O_NOFOLLOW | O_CLOEXEC)
                        : ::openat(current.get(), parts[i].c_str(),
                                   O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) return -1;
        if (last) return next;
        current = UniqueFd(next);
    }
    return -1;
}

}  // namespace

int open_beneath(const std::string& base, const std::string& relative, int flags) {
    if (relative.empty() || relative.front() == '/') return errno = EXDEV, -1;
    UniqueFd dir(::open(base.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return -1;
    int fd = openat2_beneath(dir.get(), relative, flags);
    if (fd >= 0 || errno != ENOSYS) return fd;
    return open_per_component(dir.get(), relative, flags);
}

std::optional<std::string> read_beneath(const std::string& base, const std::string& relative) {
    UniqueFd fd(open_beneath(base, relative, O_RDONLY));
    if (!fd.valid()) return std::nullopt;
    std::string text;
    char buffer[8192];
    // tracefs files are small; 16 MB is far beyond any format or id file.
    while (text.size() < (16u << 20)) {
        auto n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::nullopt;
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
}

int write_beneath(const std::string& base, const std::string& relative, const std::string& text,
                  bool append) {
    UniqueFd fd(open_beneath(base, relative, O_WRONLY | (append ? O_APPEND : O_TRUNC)));
    if (!fd.valid()) return errno;
    auto written = ::write(fd.get(), text.data(), text.size());
    return written < 0 ? errno : 0;
}

}  // namespace ftnt
