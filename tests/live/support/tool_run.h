// Runs the ftnettrace binary the build made, as a child process with its output in files.
#pragma once

#include <sys/types.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ftnt::test {

class ToolRun {
  public:
    explicit ToolRun(std::vector<std::string> args, uid_t as_user = 0);
    // `in_child` runs in the forked child before the exec (a private mount, a limit); the
    // child exits 126 when it returns false.
    ToolRun(std::vector<std::string> args, std::function<bool()> in_child);
    ~ToolRun();  // kills a run still going (SIGKILL) so a failing test leaves no process
    ToolRun(const ToolRun&) = delete;
    ToolRun& operator=(const ToolRun&) = delete;

    // Waits until stderr says "ftnettrace: tracing ..." (every mode prints it once attached):
    // true, or false when the run ended or 15 s passed.
    bool wait_ready(int seconds = 15);
    // Sends a signal and waits up to 60 s for the exit (detaching ~90 kprobes under
    // emulation takes tens of seconds); returns the exit code (-signal if killed).
    int stop(int signal);
    // Waits up to `seconds` for the run to end by itself; returns the exit code or -1000.
    int wait_exit(int seconds);
    pid_t pid() const { return pid_; }
    std::string stdout_text() const;
    std::string stderr_text() const;
    std::vector<std::string> stdout_lines() const;

  private:
    pid_t pid_ = -1;
    int exit_code_ = -1000;
    std::string out_path_, err_path_;
};

// Runs to completion (at most 30 s); returns the exit code, output in the given strings.
int run_tool(const std::vector<std::string>& args, std::string* out, std::string* err,
             uid_t as_user = 0);

// One line of -o json output parsed by nlohmann::json; a line that is not a JSON object fails
// the calling test (ADD_FAILURE) and gives an empty object.
nlohmann::json parse_json_line(const std::string& line);
// Every line of the output parsed; a line that is not valid JSON fails the calling test.
std::vector<nlohmann::json> parse_json_lines(const std::string& text);
// Field of a one-line JSON object, parsed: its value serialised as JSON ("\"x\"" stays
// quoted), or "" when absent.
std::string json_value(const std::string& line, const std::string& key);
// A string field's text (unquoted), a number's JSON text, or "" when absent.
std::string json_string(const std::string& line, const std::string& key);

bool instance_exists(pid_t pid);

}  // namespace ftnt::test
