// Small ELF files with DWARF, built at test time with the machine's gcc, and binutils
// addr2line's answers on them: the reference every DWARF answer of the library must equal.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize::test {

// Two translation units: an inline chain, the same static function name twice, and a
// function gcc splits into a .cold part.
inline const char* kUnitA =
    R"(/* A vmlinux names the start of its code _text (no type); the KASLR slide is taken there. */
__asm__(".text\n.globl _text\n_text:\n");
#include <stdio.h>
#include <stdlib.h>
volatile int knob = 7;
static inline __attribute__((always_inline)) int level2(int x) { return x * knob + 3; }
static inline __attribute__((always_inline)) int level1(int x) { return level2(x) ^ (x >> 1); }
__attribute__((noinline)) int api(int x) { int s = 0; for (int i = 0; i < x; i++) s += level1(i); return s; }
__attribute__((noinline)) static int helper(int x) { return x + 11; }
int use_a(int x) { return helper(x); }
__attribute__((cold, noinline)) static void report(int x) { fprintf(stderr, "negative %d\n", x); }
__attribute__((noinline)) int checked(int x) {
    if (__builtin_expect(x < 0, 0)) { report(x); fprintf(stderr, "again %d\n", x); abort(); }
    return x * 2;
}

int use_b(int x);
int main(int argc, char **argv) { (void)argv; return api(argc) + use_a(argc) + use_b(argc) + checked(argc); }
)";
inline const char* kUnitB = R"(__attribute__((noinline)) static int helper(int x) { return x * 13; }
int use_b(int x) { return helper(x) + 1; }
)";

// A module's two units, linked with `ld -r` as kbuild links a .ko: relocatable, sections
// placed at load time, two static functions of one name, an inline chain, a .cold part.
inline const char* kModuleA = R"(
extern volatile int mod_knob;
static inline __attribute__((always_inline)) int mod_level2(int x) { return x * mod_knob + 1; }
static inline __attribute__((always_inline)) int mod_level1(int x) { return mod_level2(x) ^ (x >> 2); }
__attribute__((noinline)) int mod_api(int x) { int s = 0; for (int i = 0; i < x; i++) s += mod_level1(i); return s; }
__attribute__((noinline)) static int mod_helper(int x) { return x + 5; }
int mod_use_a(int x) { return mod_helper(x) + mod_api(x); }
extern void mod_panic(int x) __attribute__((noreturn));
__attribute__((cold, noinline)) static void mod_report(int x) { mod_panic(x + 1); }
__attribute__((noinline)) int mod_checked(int x) {
    if (__builtin_expect(x < 0, 0)) { mod_report(x); mod_panic(x); }
    return x * 3;
}
)";
inline const char* kModuleB = R"(
__attribute__((noinline)) static int mod_helper(int x) { return x * 17 + 2; }
int mod_use_b(int x) { return mod_helper(x) - 1; }
)";

inline int shell(const std::string& command) {
    return std::system(command.c_str());
}

inline std::string run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (pipe) ::pclose(pipe);
    return output;
}

// A program with DWARF (ET_EXEC, non-PIE like a vmlinux); "" when gcc failed.
inline std::string build_fixture(const std::string& dir) {
    std::ofstream(dir + "/a.c") << kUnitA;
    std::ofstream(dir + "/b.c") << kUnitB;
    std::string out = dir + "/prog";
    return shell("gcc -g -O2 -fno-toplevel-reorder -fno-pie -no-pie -Wl,--build-id -o " + out +
                 " " + dir + "/a.c " + dir + "/b.c") == 0
               ? out
               : "";
}

// A module-like relocatable object (dir/fixmod.ko); "" when gcc or ld failed.
inline std::string build_module(const std::string& dir) {
    std::ofstream(dir + "/mod_a.c") << kModuleA;
    std::ofstream(dir + "/mod_b.c") << kModuleB;
    std::string out = dir + "/fixmod.ko";
    std::string flags = "gcc -g -O2 -fno-pie -c ";
    bool ok = shell(flags + dir + "/mod_a.c -o " + dir + "/mod_a.o") == 0 &&
              shell(flags + dir + "/mod_b.c -o " + dir + "/mod_b.o") == 0 &&
              shell("ld -r --build-id -o " + out + " " + dir + "/mod_a.o " + dir + "/mod_b.o") == 0;
    return ok ? out : "";
}

inline std::string hex(uint64_t value) {
    std::ostringstream out;
    out << "0x" << std::hex << value;
    return out.str();
}

// binutils `addr2line -afi` on many addresses at once: per address, "func at file:line"
// lines, innermost first, with " (discriminator N)" left out. section: the -j section of a
// relocatable file, the addresses then being offsets in it.
inline std::vector<std::vector<std::string>> addr2line(const std::string& file,
                                                       const std::vector<uint64_t>& addresses,
                                                       const std::string& section = "") {
    std::string command =
        "addr2line -afi " + (section.empty() ? "" : "-j " + section + " ") + "-e " + file;
    for (auto address : addresses) command += " " + hex(address);
    std::istringstream lines(run(command));
    std::vector<std::vector<std::string>> answers;
    std::string line, location;
    while (std::getline(lines, line)) {
        if (line.rfind("0x", 0) == 0) {
            answers.emplace_back();
            continue;
        }
        if (answers.empty() || !std::getline(lines, location)) break;
        answers.back().push_back(line + " at " + location.substr(0, location.find(" (")));
    }
    return answers;
}

// The library's frames in the same form ("?" lines as addr2line prints them).
inline std::vector<std::string> as_addr2line(const std::vector<SourceFrame>& frames) {
    std::vector<std::string> out;
    for (const auto& f : frames)
        out.push_back(f.function + " at " + f.file + ":" + (f.line ? std::to_string(f.line) : "?"));
    return out;
}

// A scratch directory removed with everything in it.
class TempDir {
  public:
    TempDir() {
        char pattern[] = "/tmp/ftnt-symbolize-XXXXXX";
        path_ = ::mkdtemp(pattern) ? pattern : "";
    }
    ~TempDir() {
        if (!path_.empty()) shell("rm -rf '" + path_ + "'");
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

}  // namespace ftnt::symbolize::test
