// Reads a file of tests/fixtures (recorded kernel data; each directory's README says whence).
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace ftnt::test {

inline std::string fixture(const std::string& relative) {
    std::ifstream in(std::string(FTNT_FIXTURES) + "/" + relative);
    if (!in) throw std::runtime_error("missing fixture " + relative);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace ftnt::test
