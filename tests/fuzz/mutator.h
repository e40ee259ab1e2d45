// Seeded mutations of recorded inputs for the fuzz suite. The seed is FTNT_FUZZ_SEED when set,
// else the clock; it is printed first, so a failure is repeated with FTNT_FUZZ_SEED=<seed>.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace ftnt::fuzz {

inline uint64_t seed() {
    static const uint64_t value = [] {
        const char* text = std::getenv("FTNT_FUZZ_SEED");
        uint64_t s = text ? std::strtoull(text, nullptr, 10)
                          : static_cast<uint64_t>(std::random_device{}()) << 16 ^
                                static_cast<uint64_t>(::time(nullptr));
        std::cerr << "fuzz seed: " << s << " (FTNT_FUZZ_SEED=" << s << " repeats this run)\n";
        return s;
    }();
    return value;
}

// Peak resident memory of this process, in MB.
inline long peak_rss_mb() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

class Mutator {
  public:
    // `stream` separates the suites: each has its own sequence from the one seed.
    explicit Mutator(uint64_t stream) : random_(seed() ^ (stream * 0x9e3779b97f4a7c15ull)) {}

    std::size_t below(std::size_t n) { return n ? random_() % n : 0; }
    bool chance(int percent) { return below(100) < static_cast<std::size_t>(percent); }

    template <typename T>
    const T& pick(const std::vector<T>& from) {
        return from[below(from.size())];
    }

    // Byte-level: flips, inserts, deletes, duplicates, truncations and tokens that break
    // parsers (separators, huge numbers, control and invalid UTF-8 bytes).
    std::string mutate(std::string data, int rounds = 0) {
        static const std::vector<std::string> kTokens = {":",
                                                         "::",
                                                         "/",
                                                         "../",
                                                         "\n",
                                                         "\r\n",
                                                         std::string(1, 0),
                                                         "%",
                                                         "=",
                                                         "[",
                                                         "]",
                                                         ",",
                                                         "-",
                                                         "+",
                                                         "0x",
                                                         " ",
                                                         "\t",
                                                         "\xff",
                                                         "\xc3",
                                                         "(",
                                                         ")",
                                                         "\"",
                                                         "\\",
                                                         "*",
                                                         "-1",
                                                         "65536",
                                                         "4294967296",
                                                         "18446744073709551616",
                                                         "99999999999999999999999",
                                                         "nan",
                                                         "inf",
                                                         "1e308",
                                                         "ftnettrace:1",
                                                         "ftnettrace_1"};
        int n = rounds ? rounds : 1 + static_cast<int>(below(8));
        for (int i = 0; i < n; ++i) {
            std::size_t at = below(data.size() + 1);
            switch (below(7)) {
                case 0:
                    if (!data.empty()) data[below(data.size())] ^= static_cast<char>(1 << below(8));
                    break;
                case 1:
                    data.insert(at, 1, static_cast<char>(below(256)));
                    break;
                case 2:
                    if (!data.empty()) data.erase(below(data.size()), 1 + below(16));
                    break;
                case 3:
                    if (!data.empty()) {
                        auto from = below(data.size());
                        data.insert(at, data.substr(from, 1 + below(64)));
                    }
                    break;
                case 4:
                    data = data.substr(0, at);
                    break;
                case 5:
                    data.insert(at, pick(kTokens));
                    break;
                default:
                    if (!data.empty()) data[below(data.size())] = static_cast<char>(below(256));
                    break;
            }
        }
        return data;
    }

  private:
    std::mt19937_64 random_;
};

}  // namespace ftnt::fuzz
