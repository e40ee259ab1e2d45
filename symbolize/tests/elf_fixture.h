// Small ELF programs with DWARF, built at test time with the machine's gcc.
#pragma once

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace ftnt::symbolize::test {

// Two translation units: an inline chain, the same static function name twice, and a
// function gcc splits into a .cold part.
inline const char* kUnitA =
    R"(/* A vmlinux names the start of its code _text (no type); the KASLR slide is taken there. */
__asm__(".text\n.globl _text\n_text:\n");
#include <stdio.h>
#include <stdlib.h>
static inline __attribute__((always_inline)) int level2(int x) { return x * 7 + 3; }
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

inline std::string build_fixture(const std::string& dir) {
    std::ofstream(dir + "/a.c") << kUnitA;
    std::ofstream(dir + "/b.c") << kUnitB;
    std::string out = dir + "/prog";
    std::string command = "gcc -g -O2 -fno-toplevel-reorder -fno-pie -no-pie -Wl,--build-id -o " +
                          out + " " + dir + "/a.c " + dir + "/b.c";
    return std::system(command.c_str()) == 0 ? out : "";
}

inline std::string run(const std::string& command) {
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    char buffer[512];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
    if (pipe) ::pclose(pipe);
    return output;
}

}  // namespace ftnt::symbolize::test
