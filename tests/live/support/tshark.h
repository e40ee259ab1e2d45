// tshark (Wireshark's reader: not ftnettrace's code) reading a pcapng file the tool wrote,
// one row of named fields a packet (-T fields, tab-separated columns), or its -T json.
// Header-only: unit, live and guest tests share it.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

namespace ftnt::test {

struct TsharkRead {
    int status = -1;  // tshark's exit status; 0 when it read the whole file
    std::vector<std::vector<std::string>> rows;
    std::string text;  // what it printed
};

inline bool tshark_available() {
    return std::system("command -v tshark >/dev/null 2>&1") == 0;
}

inline TsharkRead tshark_output(const std::string& arguments) {
    TsharkRead out;
    std::string command = "tshark " + arguments + " 2>/dev/null";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return out;
    char chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;)
        out.text.append(chunk, n);
    int status = ::pclose(pipe);
    out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

// `fields` of each packet of `file` (the file name is the test's own: no quoting needed).
inline TsharkRead tshark_fields(const std::string& file, const std::vector<std::string>& fields) {
    std::string arguments = "-r '" + file + "' -T fields -E separator=/t -E occurrence=f";
    for (const auto& field : fields) arguments += " -e " + field;
    TsharkRead out = tshark_output(arguments);
    std::size_t start = 0;
    while (start < out.text.size()) {
        std::size_t end = out.text.find('\n', start);
        if (end == std::string::npos) end = out.text.size();
        std::string line = out.text.substr(start, end - start);
        start = end + 1;
        std::vector<std::string> row;
        std::size_t at = 0;
        for (std::size_t tab; (tab = line.find('\t', at)) != std::string::npos; at = tab + 1)
            row.push_back(line.substr(at, tab - at));
        row.push_back(line.substr(at));
        out.rows.push_back(row);
    }
    return out;
}

// A packet comment "func=ip_rcv; skb=0x..." as its key=value parts.
inline std::vector<std::pair<std::string, std::string>> comment_parts(const std::string& comment) {
    std::vector<std::pair<std::string, std::string>> parts;
    std::size_t at = 0;
    while (at <= comment.size()) {
        std::size_t end = comment.find("; ", at);
        if (end == std::string::npos) end = comment.size();
        std::string part = comment.substr(at, end - at);
        auto eq = part.find('=');
        if (eq != std::string::npos) parts.emplace_back(part.substr(0, eq), part.substr(eq + 1));
        at = end + 2;
    }
    return parts;
}

inline std::string comment_value(const std::string& comment, const std::string& key) {
    for (const auto& [k, v] : comment_parts(comment))
        if (k == key) return v;
    return "";
}

}  // namespace ftnt::test
