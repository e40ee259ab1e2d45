#include "core/regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ftnt {
namespace {

std::string size_text(uint64_t bytes) {
    if (bytes >= (1ull << 30) && bytes % (1ull << 30) == 0)
        return std::to_string(bytes >> 30) + " GB";
    if (bytes >= (1ull << 20)) return std::to_string(bytes >> 20) + " MB";
    return std::to_string(bytes) + " bytes";
}

}  // namespace

std::string open_regular_file(const std::string& path, uint64_t max_bytes, UniqueFd& fd) {
    fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return std::strerror(errno);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "not a regular file";
    if (static_cast<uint64_t>(st.st_size) > max_bytes)
        return "larger than " + size_text(max_bytes) + " (" +
               size_text(static_cast<uint64_t>(st.st_size)) + ")";
    ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
    return {};
}

std::string check_regular_file(const std::string& path, uint64_t max_bytes) {
    UniqueFd fd;
    return open_regular_file(path, max_bytes, fd);
}

std::string read_regular_file(const std::string& path, uint64_t max_bytes, std::string& text) {
    UniqueFd fd;
    if (auto error = open_regular_file(path, max_bytes, fd); !error.empty()) return error;
    text.clear();
    char buffer[65536];
    for (;;) {
        auto n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return std::strerror(errno);
        if (n == 0) return {};
        text.append(buffer, static_cast<std::size_t>(n));
        // A file that grows while read is cut at the cap too.
        if (text.size() > max_bytes) return "larger than " + size_text(max_bytes);
    }
}

}  // namespace ftnt
