// Runs the firewall tools (iptables-*, nft) as child processes: no shell, bounded in time.
#pragma once

#include <string>
#include <vector>

namespace ftnt::netfilter {

struct CommandResult {
    int exit_code = -1;  // -1: could not start, killed, or timed out
    std::string out, err;
    bool ok() const { return exit_code == 0; }
};

// argv[0] is looked up in PATH. The child runs in the caller's network namespace, in its own
// process group (a Ctrl-C on the terminal reaches ftnettrace, which then tears down through
// these same tools, and not the tools themselves). Killed after `timeout_seconds`.
CommandResult run_command(const std::vector<std::string>& argv, const std::string& input = "",
                          int timeout_seconds = 30);
// True when `name` is an executable in PATH (or an absolute path to one).
bool have_command(const std::string& name);
// Why a command failed, never empty: its stderr, else its stdout, else how it ended.
std::string failure_text(const CommandResult& result);
// "iptables-legacy -t raw -I ..." for messages.
std::string command_text(const std::vector<std::string>& argv);

}  // namespace ftnt::netfilter
