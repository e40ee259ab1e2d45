// Where the installed tool finds its data: relative to its own executable, so an installed
// tree (bin or sbin beside share/ftnettrace) works wherever it was put.
#pragma once

#include <optional>
#include <string>

namespace ftnt {

// The directory holding the running executable (from /proc/self/exe), or nothing.
std::optional<std::string> executable_dir();

// The catalog directory: $FTNETTRACE_CATALOG, else the installed one beside the executable
// (<prefix>/share/ftnettrace/kprobe-defs) when it exists, else the source tree's this build
// was configured from (a build run from its build directory).
std::string default_catalog_dir();

// The judge's files in the catalog directory (diag-*.def rules, drop-reasons*.def words):
// the catalog skips them, judge/rule_base reads them.
bool judge_data_file(const std::string& name);

}  // namespace ftnt
