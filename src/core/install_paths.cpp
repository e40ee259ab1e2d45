#include "core/install_paths.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <vector>

namespace ftnt {
namespace {

bool is_directory(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::optional<std::string> executable_dir() {
    std::vector<char> buffer(4096);
    auto size = ::readlink("/proc/self/exe", buffer.data(), buffer.size() - 1);
    if (size <= 0) return std::nullopt;
    std::string path(buffer.data(), static_cast<size_t>(size));
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return std::nullopt;
    return path.substr(0, slash);
}

std::string default_catalog_dir() {
    if (const char* env = std::getenv("FTNETTRACE_CATALOG")) return env;
    if (auto dir = executable_dir()) {
        auto installed = *dir + "/" + FTNETTRACE_CATALOG_FROM_EXECUTABLE;
        if (is_directory(installed)) return installed;
    }
    return FTNETTRACE_CATALOG_DIR;
}

bool judge_data_file(const std::string& name) {
    return name.starts_with("diag-") || name.starts_with("drop-reasons");
}

}  // namespace ftnt
