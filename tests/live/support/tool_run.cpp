#include "support/tool_run.h"

#include <cstdlib>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

namespace ftnt::test {
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string temp_path(const char* what) {
    static int counter = 0;
    return "/tmp/ftnt-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "." +
           what;
}

}  // namespace

ToolRun::ToolRun(std::vector<std::string> args, uid_t as_user)
    : ToolRun(std::move(args), [as_user] {
          return !as_user || (::setgid(as_user) == 0 && ::setuid(as_user) == 0);
      }) {}

ToolRun::ToolRun(std::vector<std::string> args, std::function<bool()> in_child)
    : out_path_(temp_path("out")), err_path_(temp_path("err")) {
    // FTNT_TOOL runs another build of the tool under the same tests (an older one, to see a
    // new test fail on the behaviour it was written against).
    const char* tool = std::getenv("FTNT_TOOL");
    args.insert(args.begin(), tool && *tool ? tool : FTNT_BINARY);
    pid_ = ::fork();
    if (pid_ == 0) {
        int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(out, 1);
        ::dup2(err, 2);
        if (in_child && !in_child()) ::_exit(126);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
}

ToolRun::~ToolRun() {
    if (exit_code_ == -1000 && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
    }
    ::unlink(out_path_.c_str());
    ::unlink(err_path_.c_str());
}

bool ToolRun::wait_ready(int seconds) {
    for (int i = 0; i < seconds * 10; ++i) {
        if (stderr_text().find("ftnettrace: tracing ") != std::string::npos) return true;
        if (wait_exit(0) != -1000) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

int ToolRun::wait_exit(int seconds) {
    if (exit_code_ != -1000) return exit_code_;
    for (int i = 0; i <= seconds * 10; ++i) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
            return exit_code_;
        }
        if (seconds) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return -1000;
}

int ToolRun::stop(int signal) {
    if (exit_code_ == -1000) ::kill(pid_, signal);
    return wait_exit(60);
}

std::string ToolRun::stdout_text() const {
    return read_file(out_path_);
}
std::string ToolRun::stderr_text() const {
    return read_file(err_path_);
}

std::vector<std::string> ToolRun::stdout_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(stdout_text());
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) lines.push_back(line);
    return lines;
}

int run_tool(const std::vector<std::string>& args, std::string* out, std::string* err,
             uid_t as_user) {
    ToolRun run(args, as_user);
    int code = run.wait_exit(30);
    if (out) *out = run.stdout_text();
    if (err) *err = run.stderr_text();
    return code;
}

nlohmann::json parse_json_line(const std::string& line) {
    auto value = nlohmann::json::parse(line, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
        ADD_FAILURE() << "not a JSON object: " << line;
        return nlohmann::json::object();
    }
    return value;
}

std::vector<nlohmann::json> parse_json_lines(const std::string& text) {
    std::vector<nlohmann::json> objects;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) objects.push_back(parse_json_line(line));
    }
    return objects;
}

std::string json_value(const std::string& line, const std::string& key) {
    auto object = parse_json_line(line);
    auto it = object.find(key);
    return it == object.end() ? "" : it->dump();
}

std::string json_string(const std::string& line, const std::string& key) {
    auto object = parse_json_line(line);
    auto it = object.find(key);
    if (it == object.end()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

bool instance_exists(pid_t pid) {
    struct stat st;
    std::string base = ::access("/sys/kernel/tracing/README", F_OK) == 0
                           ? "/sys/kernel/tracing"
                           : "/sys/kernel/debug/tracing";
    return ::stat((base + "/instances/ftnettrace-" + std::to_string(pid)).c_str(), &st) == 0;
}

}  // namespace ftnt::test
