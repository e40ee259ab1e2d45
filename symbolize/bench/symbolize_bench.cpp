// Benchmark (not a test): addresses resolved per second by the Symbolizer, cold (first
// lookup of each address: DWARF) and cached, on an ELF with DWARF given as argument. Its own
// symbols, moved by a pretend KASLR slide, stand in for /proc/kallsyms.
#include <chrono>
#include <cstdio>
#include <sstream>

#include "debug_image.h"
#include "ftnettrace/symbolize.h"

using namespace ftnt::symbolize;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: symbolize_bench ELF [ADDRESSES]\n");
        return 2;
    }
    std::size_t wanted = argc > 2 ? std::stoul(argv[2]) : 20000;
    auto t0 = Clock::now();
    auto image = DebugImage::open(argv[1]);
    auto opened = std::chrono::duration<double>(Clock::now() - t0).count();
    // Kallsyms text from the image's functions (every one that has a size), slide 0x1000000.
    constexpr uint64_t kSlide = 0x1000000;
    std::ostringstream text;
    text << std::hex;
    std::vector<uint64_t> addresses;
    auto anchor = image->symbols_named("_text");
    if (!anchor.empty()) text << anchor[0].address + kSlide << " T _text\n";
    FILE* nm = ::popen(("nm -n --defined-only " + std::string(argv[1])).c_str(), "r");
    char line[512];
    while (nm && std::fgets(line, sizeof line, nm)) {
        unsigned long long address;
        char type;
        char name[400];
        if (std::sscanf(line, "%llx %c %399s", &address, &type, name) != 3) continue;
        if (type != 't' && type != 'T') continue;
        text << address + image->bias() - image->bias() + kSlide << " T " << name << "\n";
        if (addresses.size() < wanted) addresses.push_back(address + kSlide + 8);
    }
    if (nm) ::pclose(nm);
    auto symbols = Kallsyms::parse(text.str());
    DebugInfoOptions options;
    options.vmlinux = argv[1];
    options.notes_path = "/nonexistent";
    t0 = Clock::now();
    Symbolizer symbolizer(symbols, options);
    const auto& first = symbolizer.resolve(addresses.at(0));
    double first_lookup = std::chrono::duration<double>(Clock::now() - t0).count();
    t0 = Clock::now();
    std::size_t with_lines = 0;
    for (auto address : addresses) with_lines += !symbolizer.resolve(address).frames.empty();
    double cold = std::chrono::duration<double>(Clock::now() - t0).count();
    t0 = Clock::now();
    std::size_t rounds = 20;
    for (std::size_t r = 0; r < rounds; ++r)
        for (auto address : addresses) symbolizer.resolve(address);
    double cached = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("%s\n  open %.3f s, first lookup (debug info found and indexed) %.3f s: %s\n",
                argv[1], opened, first_lookup, first.location.c_str());
    std::printf("  cold:   %zu addresses in %.3f s = %.0f lookups/s (%zu with source lines)\n",
                addresses.size(), cold, static_cast<double>(addresses.size()) / cold, with_lines);
    std::printf("  cached: %zu lookups in %.3f s = %.0f lookups/s\n", addresses.size() * rounds,
                cached, static_cast<double>(addresses.size() * rounds) / cached);
    return 0;
}
