// Error kinds and the exit codes they map to.
#pragma once

#include <stdexcept>
#include <string>

namespace ftnt {

// Bad input from the user (flag value, address, catalog file): exit 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The kernel lacks something the run needs, or refused an operation: exit 1, one clear line.
struct KernelError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
// The output could not be written (ENOSPC, EIO...); a reader that closed it is a normal end.
constexpr int kExitOutput = 3;

// "what: strerror(errno)"
std::string errno_message(const std::string& what, int error_number);

}  // namespace ftnt
