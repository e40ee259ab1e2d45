#include "netfilter/command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

#include "core/text_file.h"
#include "core/unique_fd.h"

namespace ftnt::netfilter {
namespace {

bool make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    read_end = UniqueFd(fds[0]);
    write_end = UniqueFd(fds[1]);
    return true;
}

int wait_child(pid_t child, bool kill_first) {
    if (kill_first) ::kill(child, SIGKILL);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

bool have_command(const std::string& name) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        auto end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        std::string dir = dirs.substr(start, end - start);
        if (!dir.empty() && ::access((dir + "/" + name).c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::string command_text(const std::vector<std::string>& argv) {
    std::string text;
    for (const auto& arg : argv) {
        if (!text.empty()) text += ' ';
        bool quote = arg.find_first_of(" \t\"") != std::string::npos || arg.empty();
        text += quote ? "\"" + arg + "\"" : arg;
    }
    return text;
}

CommandResult run_command(const std::vector<std::string>& argv, const std::string& input,
                          int timeout_seconds) {
    CommandResult result;
    UniqueFd in_r, in_w, out_r, out_w, err_r, err_w;
    if (argv.empty() || !make_pipe(in_r, in_w) || !make_pipe(out_r, out_w) ||
        !make_pipe(err_r, err_w))
        return result;
    pid_t child = ::fork();
    if (child < 0) return result;
    if (child == 0) {
        ::setpgid(0, 0);
        // The run's StopSignal handlers are reset by exec; the mask is not: clear it.
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::signal(SIGPIPE, SIG_DFL);  // main() ignores both; an ignored signal survives exec
        ::signal(SIGXFSZ, SIG_DFL);
        ::dup2(in_r.get(), 0);
        ::dup2(out_w.get(), 1);
        ::dup2(err_w.get(), 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    in_r.reset();
    out_w.reset();
    err_w.reset();
    // The input is a ruleset of a few hundred bytes at most: it fits in the pipe buffer.
    std::size_t written = 0;
    while (written < input.size()) {
        auto n = ::write(in_w.get(), input.data() + written, input.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    in_w.reset();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    bool out_open = true, err_open = true, timed_out = false;
    char buffer[8192];
    while (out_open || err_open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        pollfd fds[2] = {{out_open ? out_r.get() : -1, POLLIN, 0},
                         {err_open ? err_r.get() : -1, POLLIN, 0}};
        int ready = ::poll(fds, 2, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) break;
        for (int i = 0; i < 2; ++i) {
            if (!fds[i].revents) continue;
            auto n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                (i == 0 ? out_open : err_open) = false;
                continue;
            }
            (i == 0 ? result.out : result.err).append(buffer, static_cast<std::size_t>(n));
        }
    }
    result.exit_code = wait_child(child, timed_out);
    if (timed_out) result.err += "(timed out after " + std::to_string(timeout_seconds) + " s)";
    return result;
}

std::string failure_text(const CommandResult& result) {
    for (const auto* text : {&result.err, &result.out}) {
        auto trimmed = trim(*text);
        if (!trimmed.empty()) return trimmed.substr(0, 2000);
    }
    if (result.exit_code < 0) return "it could not be started, was killed or timed out";
    return "it exited with status " + std::to_string(result.exit_code) + " and said nothing";
}

}  // namespace ftnt::netfilter
