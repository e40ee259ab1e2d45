#include "netfilter/run_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <sstream>

#include "core/errors.h"
#include "core/process.h"
#include "core/text_file.h"

namespace ftnt::netfilter {
namespace {

std::string encode_word(const std::string& word) {
    std::string out;
    for (char byte : word) {
        auto c = static_cast<unsigned char>(byte);
        if (c <= 0x20 || c == '%' || c >= 0x7f) {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02x", c);
            out += escaped;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out.empty() ? "%" : out;  // "%" alone: the empty word
}

std::string decode_word(const std::string& word) {
    if (word == "%") return {};
    std::string out;
    for (std::size_t i = 0; i < word.size(); ++i) {
        unsigned value = 0;
        if (word[i] == '%' && i + 2 < word.size() &&
            std::from_chars(word.data() + i + 1, word.data() + i + 3, value, 16).ec ==
                std::errc()) {
            out += static_cast<char>(value);
            i += 2;
        } else {
            out += word[i];
        }
    }
    return out;
}

std::vector<std::string> words_of(std::istringstream& in) {
    std::vector<std::string> words;
    std::string word;
    while (in >> word) words.push_back(decode_word(word));
    return words;
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
        if (kind == "end") break;
        if (kind == "netns") {
            words >> state.netns_inode >> state.netns_path;
        } else if (kind == "sysctl") {
            SysctlRecord record;
            if (words >> record.netns >> record.key >> record.old_value >> record.new_value)
                state.sysctls.push_back(record);
        } else if (kind == "rule") {
            auto all = words_of(words);
            if (all.size() < 4) continue;
            state.rules.push_back({all[0], all[1], all[2], {all.begin() + 3, all.end()}});
        } else if (kind == "table") {
            TableRecord table;
            if (words >> table.family >> table.name) state.tables.push_back(table);
        }
    }
    return state;
}

std::string format_state(const StateFile& state) {
    std::ostringstream out;
    out << "netns " << state.netns_inode << " "
        << (state.netns_path.empty() ? "-" : state.netns_path) << "\n";
    for (const auto& s : state.sysctls)
        out << "sysctl " << s.netns << " " << s.key << " " << s.old_value << " " << s.new_value
            << "\n";
    for (const auto& r : state.rules) {
        out << "rule " << encode_word(r.command) << " " << encode_word(r.table) << " "
            << encode_word(r.chain);
        for (const auto& word : r.spec) out << " " << encode_word(word);
        out << "\n";
    }
    for (const auto& t : state.tables) out << "table " << t.family << " " << t.name << "\n";
    out << "end\n";
    return out.str();
}

std::string state_path(int pid) {
    return std::string(kStateDir) + "/" + std::to_string(pid) + ".state";
}

std::vector<StateFile> read_state_files() {
    std::vector<StateFile> files;
    for (const auto& name : list_directory(kStateDir)) {
        if (!name.ends_with(".state")) continue;
        int pid = 0;
        auto digits = name.substr(0, name.size() - 6);
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), pid);
        if (error != std::errc() || end != digits.data() + digits.size() || pid <= 0) continue;
        std::string path = std::string(kStateDir) + "/" + name;
        auto text = read_text_file(path);
        if (!text) continue;
        auto state = parse_state(*text);
        if (state.netns_path == "-") state.netns_path.clear();
        state.pid = pid;
        state.path = path;
        files.push_back(state);
    }
    return files;
}

bool run_alive(int pid) {
    UniqueFd fd(::open(state_path(pid).c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return process_alive(pid);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return false;  // nobody holds it
    return errno == EWOULDBLOCK;
}

RunState::RunState(int pid) {
    state_.pid = pid;
    state_.path = state_path(pid);
    if (::mkdir(kStateDir, 0700) != 0 && errno != EEXIST)
        throw KernelError(errno_message(std::string("mkdir ") + kStateDir, errno));
    fd_ = UniqueFd(::open(state_.path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd_.valid()) throw KernelError(errno_message("cannot create " + state_.path, errno));
    if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0)
        throw KernelError(errno_message(
            state_.path + " is locked by another run (the same pid in another pid namespace?)",
            errno));
    write();
}

RunState::~RunState() {
    // A record left (a rule or sysctl that could not be undone) keeps the file for --cleanup;
    // the lock goes with the descriptor.
    if (state_.sysctls.empty() && state_.rules.empty() && state_.tables.empty())
        ::unlink(state_.path.c_str());
}

void RunState::set_netns(uint32_t inode, const std::string& path) {
    state_.netns_inode = inode;
    state_.netns_path = path;
    write();
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

void RunState::add_rule(const RuleRecord& rule) {
    state_.rules.push_back(rule);
    write();
}

void RunState::remove_rule(const RuleRecord& rule) {
    auto found = std::find(state_.rules.begin(), state_.rules.end(), rule);
    if (found != state_.rules.end()) state_.rules.erase(found);
    write();
}

void RunState::add_table(const TableRecord& table) {
    state_.tables.push_back(table);
    write();
}

void RunState::remove_table(const TableRecord& table) {
    std::erase(state_.tables, table);
    write();
}

void RunState::write() const {
    // Rewritten in place: renaming a new file over it would drop the lock. Readers stop at
    // "end", so a shorter text over a longer one reads whole once truncated.
    auto text = format_state(state_);
    auto written = ::pwrite(fd_.get(), text.data(), text.size(), 0);
    if (written != static_cast<ssize_t>(text.size()))
        throw KernelError(errno_message("write " + state_.path, written < 0 ? errno : EIO));
    if (::ftruncate(fd_.get(), static_cast<off_t>(text.size())) != 0)
        throw KernelError(errno_message("truncate " + state_.path, errno));
}

}  // namespace ftnt::netfilter
