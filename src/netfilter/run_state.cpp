#include "netfilter/run_state.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <sstream>

#include "core/errors.h"
#include "core/text_file.h"

namespace ftnt::netfilter {
namespace {

int create_file(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    auto written = ::write(fd, text.data(), text.size());
    int error = written == static_cast<ssize_t>(text.size()) ? 0 : (written < 0 ? errno : EIO);
    ::close(fd);
    return error;
}

}  // namespace

StateFile parse_state(const std::string& text) {
    StateFile state;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string kind;
        words >> kind;
        if (kind == "netns") {
            words >> state.netns_inode >> state.netns_path;
        } else if (kind == "sysctl") {
            SysctlRecord record;
            if (words >> record.netns >> record.key >> record.old_value >> record.new_value)
                state.sysctls.push_back(record);
        }
    }
    return state;
}

std::string format_state(const StateFile& state) {
    std::ostringstream out;
    out << "netns " << state.netns_inode << " " << state.netns_path << "\n";
    for (const auto& s : state.sysctls)
        out << "sysctl " << s.netns << " " << s.key << " " << s.old_value << " " << s.new_value
            << "\n";
    return out.str();
}

std::vector<StateFile> read_state_files() {
    std::vector<StateFile> files;
    for (const auto& name : list_directory(kStateDir)) {
        if (!name.ends_with(".state")) continue;
        int pid = 0;
        auto digits = name.substr(0, name.size() - 6);
        if (std::from_chars(digits.data(), digits.data() + digits.size(), pid).ec != std::errc())
            continue;
        std::string path = std::string(kStateDir) + "/" + name;
        auto text = read_text_file(path);
        if (!text) continue;
        auto state = parse_state(*text);
        state.pid = pid;
        state.path = path;
        files.push_back(state);
    }
    return files;
}

RunState::RunState(int pid, uint32_t netns_inode, const std::string& netns_path) {
    state_.pid = pid;
    state_.path = std::string(kStateDir) + "/" + std::to_string(pid) + ".state";
    state_.netns_inode = netns_inode;
    state_.netns_path = netns_path;
    if (::mkdir(kStateDir, 0700) != 0 && errno != EEXIST)
        throw KernelError(errno_message(std::string("mkdir ") + kStateDir, errno));
    write();
}

RunState::~RunState() {
    // A sysctl that could not be restored keeps its record (and the file) for --cleanup.
    if (state_.sysctls.empty()) ::unlink(state_.path.c_str());
}

void RunState::add_sysctl(const SysctlRecord& record) {
    state_.sysctls.push_back(record);
    write();
}

void RunState::remove_sysctl(uint32_t netns, const std::string& key) {
    std::erase_if(state_.sysctls,
                  [&](const SysctlRecord& r) { return r.netns == netns && r.key == key; });
    write();
}

void RunState::write() const {
    // Written whole to a temporary name and renamed: a reader never sees half a file.
    std::string temporary = state_.path + ".tmp";
    if (int error = create_file(temporary, format_state(state_)); error != 0)
        throw KernelError(errno_message("write " + temporary, error));
    if (::rename(temporary.c_str(), state_.path.c_str()) != 0)
        throw KernelError(errno_message("rename " + temporary, errno));
}

}  // namespace ftnt::netfilter
