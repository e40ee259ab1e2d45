// Benchmark (not a test): addresses resolved per second by the Symbolizer on an ELF with
// DWARF, whose own symbols, moved by a pretend KASLR slide, stand in for /proc/kallsyms.
//   first lookup: open the file, check it, index its symbols, resolve one address
//   cold:         first lookups of distinct addresses spread over the whole text
//   cached:       the same addresses again
#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "ftnettrace/symbolize.h"

using namespace ftnt::symbolize;
using Clock = std::chrono::steady_clock;

namespace {

// The slide is taken at _text: a file without one (a user program) is left where it is.
constexpr uint64_t kSlide = 0x1e00000;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Text {
    std::string kallsyms;
    std::vector<uint64_t> functions;  // runtime addresses of every text symbol
};

Text kallsyms_of(const std::string& elf) {
    struct Line {
        unsigned long long address;
        char type;
        std::string name;
    };
    std::vector<Line> lines;
    bool has_text = false;
    FILE* nm = ::popen(("nm -n --defined-only " + elf).c_str(), "r");
    char buffer[512];
    while (nm && std::fgets(buffer, sizeof buffer, nm)) {
        Line line{};
        char name[400];
        if (std::sscanf(buffer, "%llx %c %399s", &line.address, &line.type, name) != 3) continue;
        line.name = name;
        has_text = has_text || line.name == "_text";
        if (line.name == "_text" || line.type == 't' || line.type == 'T') lines.push_back(line);
    }
    if (nm) ::pclose(nm);
    uint64_t slide = has_text ? kSlide : 0;
    Text text;
    std::ostringstream out;
    out << std::hex;
    for (const auto& line : lines) {
        out << line.address + slide << ' ' << line.type << ' ' << line.name << '\n';
        if (line.type == 't' || line.type == 'T') text.functions.push_back(line.address + slide);
    }
    text.kallsyms = out.str();
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: symbolize_bench ELF [ADDRESSES [FIRST_FUNCTION]]\n");
        return 2;
    }
    std::string elf = argv[1];
    std::size_t wanted = argc > 2 ? std::stoul(argv[2]) : 20000;
    std::string first_name = argc > 3 ? argv[3] : "";
    Text text = kallsyms_of(elf);
    auto symbols = Kallsyms::parse(text.kallsyms);
    DebugInfoOptions options;
    options.vmlinux = elf;
    options.notes_path = "/nonexistent";  // not the running kernel's file: no build ID check
    uint64_t first = text.functions.at(text.functions.size() / 2) + 8;
    if (!first_name.empty() && !symbols.find(first_name).empty())
        first = symbols.find(first_name).front()->address + 0x91;

    auto start = Clock::now();
    Symbolizer symbolizer(symbols, options);
    const auto& result = symbolizer.resolve(first);
    double first_lookup = seconds_since(start);
    std::printf("%s\n  first lookup %.3f s (open, index symbols, resolve): %s -> %s\n", elf.c_str(),
                first_lookup, result.location.c_str(),
                result.frames.empty()
                    ? "no line"
                    : (result.frames.back().file + ":" + std::to_string(result.frames.back().line))
                          .c_str());

    std::vector<uint64_t> addresses;
    std::size_t stride = std::max<std::size_t>(1, text.functions.size() / wanted);
    for (std::size_t i = 0; i < text.functions.size() && addresses.size() < wanted; i += stride)
        addresses.push_back(text.functions[i] + 5);
    start = Clock::now();
    std::size_t with_lines = 0;
    for (auto address : addresses)
        with_lines += !symbolizer.resolve(address, AddressKind::return_address).frames.empty();
    double cold = seconds_since(start);
    std::printf("  cold:   %zu addresses in %.3f s = %.0f lookups/s (%zu with source lines)\n",
                addresses.size(), cold, static_cast<double>(addresses.size()) / cold, with_lines);

    std::size_t rounds = 50;
    start = Clock::now();
    std::size_t sink = 0;
    for (std::size_t r = 0; r < rounds; ++r)
        for (auto address : addresses)
            sink += symbolizer.resolve(address, AddressKind::return_address).frames.size();
    double cached = seconds_since(start);
    std::printf("  cached: %zu lookups in %.3f s = %.0f lookups/s (%zu frames)\n",
                addresses.size() * rounds, cached,
                static_cast<double>(addresses.size() * rounds) / cached, sink);
    return 0;
}
