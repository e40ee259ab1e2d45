#include "output/metrics_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.h"
#include "core/shown_value.h"

namespace ftnt {
namespace {

std::string write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return errno_message("write", n < 0 ? errno : EIO);
        done += static_cast<std::size_t>(n);
    }
    return "";
}

}  // namespace

MetricsFile::MetricsFile(const std::string& path) {
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    name_ = slash == std::string::npos ? path : path.substr(slash + 1);
    if (name_.empty() || name_ == "." || name_ == "..")
        throw UsageError("--metrics-file: '" + shown_value(path) + "' names no file");
    dir_ = UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_)
        throw UsageError("--metrics-file: the directory '" + shown_value(dir) +
                         "' cannot be opened: " + std::strerror(errno));
    struct stat st {};
    if (::fstatat(dir_.get(), name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode))
        throw UsageError("--metrics-file: '" + shown_value(path) + "' is a directory");
    temp_ = "." + name_ + ".tmp";
}

MetricsFile::~MetricsFile() {
    ::unlinkat(dir_.get(), temp_.c_str(), 0);
}

std::string MetricsFile::write(const std::string& text) {
    // A file left at the temporary name (a killed run, or planted) is replaced, not followed.
    ::unlinkat(dir_.get(), temp_.c_str(), 0);
    UniqueFd fd(::openat(dir_.get(), temp_.c_str(),
                         O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) return errno_message("create " + temp_, errno);
    if (auto error = write_all(fd.get(), text); !error.empty()) return error;
    if (::fsync(fd.get()) != 0) return errno_message("fsync " + temp_, errno);
    fd = UniqueFd();
    if (::renameat(dir_.get(), temp_.c_str(), dir_.get(), name_.c_str()) != 0)
        return errno_message("rename to " + name_, errno);
    ::fsync(dir_.get());
    return "";
}

}  // namespace ftnt
