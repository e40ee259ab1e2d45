// Files under a directory we trust (tracefs, an instance of ours) opened by a relative path
// that can neither leave it ("..", an absolute path) nor follow a symlink: names from a
// catalog file or the command line become parts of that path.
#pragma once

#include <optional>
#include <string>

namespace ftnt {

// An fd for `relative` under the directory `base`, or -1 with errno (EXDEV or ELOOP when the
// path would leave `base` or meets a symlink).
int open_beneath(const std::string& base, const std::string& relative, int flags);
std::optional<std::string> read_beneath(const std::string& base, const std::string& relative);
// Writes (or appends) text; returns 0 or errno.
int write_beneath(const std::string& base, const std::string& relative, const std::string& text,
                  bool append = false);

}  // namespace ftnt
