// Small helpers for the text files of /proc, /sys and tracefs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace ftnt {

std::optional<std::string> read_text_file(const std::string& path);
// Writes (or appends) text; returns 0 or errno.
int write_text_file(const std::string& path, const std::string& text, bool append = false);
bool path_exists(const std::string& path);
std::vector<std::string> list_directory(const std::string& path);
std::string trim(std::string text);
// "0-3,6" -> {0,1,2,3,6}
std::vector<int> parse_cpu_list(const std::string& text);

}  // namespace ftnt
