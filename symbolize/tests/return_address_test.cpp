// Return addresses (a drop location, every frame of a kernel callchain) get the source line of
// the call before them, as perf and the kernel's own stack dumps (%pB) give it: the line of
// address-1, while sym+off stays the address as the kernel gave it. The program built here
// has calls whose next instruction belongs to the next source line, so an answer taken at the
// return address itself is visibly wrong; binutils `addr2line -fi` at address-1 is the reference.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "debug_image.h"
#include "elf_fixture.h"
#include "ftnettrace/symbolize.h"

namespace ftnt::symbolize {
namespace {

constexpr uint64_t kSlide = 0x1c00000;

// Each call is followed by a store on the next line: the return address is on that line.
const char* kProgram = R"(__asm__(".text\n.globl _text\n_text:\n");
volatile int sink;
__attribute__((noinline)) int leaf(int x) { sink = x; return x * 3; }
__attribute__((noinline)) int middle(int x) {
    int a = leaf(x);
    sink = a;
    return a + 1;
}
__attribute__((noinline)) int top(int x) {
    int b = middle(x + 1);
    sink = b;
    return b - 2;
}
int main(int argc, char **argv) { (void)argv; return top(argc); }
)";

class ReturnAddressTest : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ofstream(dir_.path() + "/calls.c") << kProgram;
        path_ = dir_.path() + "/calls";
        ASSERT_EQ(test::shell("gcc -g -O2 -fno-pie -no-pie -fno-optimize-sibling-calls -o " +
                              path_ + " " + dir_.path() + "/calls.c"),
                  0);
        image_ = DebugImage::open(path_);
        std::ostringstream kallsyms;
        kallsyms << std::hex;
        // (_fini follows top: kallsyms sizes run to the next symbol.)
        for (const char* name : {"leaf", "middle", "top", "main", "_fini", "_text"})
            kallsyms << in_file(name) + kSlide << " T " << name << "\n";
        symbols_ = Kallsyms::parse(kallsyms.str());
        options_.vmlinux = path_;
        options_.notes_path = dir_.path() + "/notes";  // absent: no build ID to check
        options_.kernel_release = "6.1.0-test";
        options_.modules_root = options_.debug_root = options_.sys_module_root =
            dir_.path() + "/none";
    }

    uint64_t in_file(const std::string& name) {
        return image_->symbols_named(name).at(0).address - image_->bias();
    }
    // The address after the call in `function` to `callee`, from objdump's disassembly.
    uint64_t return_address_after_call(const std::string& function, const std::string& callee) {
        std::istringstream lines(test::run("objdump -d --no-show-raw-insn " + path_));
        bool inside = false, after_call = false;
        std::string line;
        while (std::getline(lines, line)) {
            if (line.find("<" + function + ">:") != std::string::npos) inside = true;
            if (!inside) continue;
            auto colon = line.find(':');
            if (after_call && colon != std::string::npos && line.starts_with(" "))
                return std::stoull(line.substr(0, colon), nullptr, 16);
            if (line.find("call") != std::string::npos &&
                line.find("<" + callee + ">") != std::string::npos)
                after_call = true;
        }
        return 0;
    }

    test::TempDir dir_;
    std::string path_;
    std::unique_ptr<DebugImage> image_;
    Kallsyms symbols_;
    DebugInfoOptions options_;
};

TEST_F(ReturnAddressTest, ADropLocationGetsTheLineOfItsCall) {
    uint64_t after = return_address_after_call("middle", "leaf");
    ASSERT_NE(after, 0u);
    auto at_call = test::addr2line(path_, {after - 1}).at(0);
    auto at_return = test::addr2line(path_, {after}).at(0);
    // The test means something only where the two lines differ.
    ASSERT_NE(at_call, at_return) << "the fixture's call and return address share a line";
    Symbolizer symbolizer(symbols_, options_);
    const auto& result = symbolizer.resolve(after + kSlide, AddressKind::return_address);
    EXPECT_EQ(test::as_addr2line(result.frames), at_call);
    EXPECT_EQ(result.location, "middle+" + test::hex(after - in_file("middle")));
}

TEST_F(ReturnAddressTest, EveryCallchainFrameGetsTheLineOfItsCall) {
    // A tracepoint's callchain starts at its caller's return address (perf_fetch_caller_regs):
    // leaf's callers here, innermost first.
    std::vector<uint64_t> file_addresses{return_address_after_call("middle", "leaf"),
                                         return_address_after_call("top", "middle"),
                                         return_address_after_call("main", "top")};
    std::vector<uint64_t> callchain;
    for (uint64_t address : file_addresses) {
        ASSERT_NE(address, 0u);
        callchain.push_back(address + kSlide);
    }
    Symbolizer symbolizer(symbols_, options_);
    auto frames = symbolizer.resolve_callchain(callchain);
    ASSERT_EQ(frames.size(), callchain.size());
    int differing = 0;
    for (std::size_t i = 0; i < callchain.size(); ++i) {
        auto at_call = test::addr2line(path_, {file_addresses[i] - 1}).at(0);
        differing += at_call != test::addr2line(path_, {file_addresses[i]}).at(0);
        EXPECT_EQ(test::as_addr2line(frames[i]->frames), at_call) << "frame " << i;
    }
    EXPECT_GE(differing, 2) << "the fixture's calls and return addresses share lines";
}

TEST_F(ReturnAddressTest, AnInstructionAddressIsLookedUpAsItIs) {
    uint64_t after = return_address_after_call("middle", "leaf");
    Symbolizer symbolizer(symbols_, options_);
    const auto& result = symbolizer.resolve(after + kSlide, AddressKind::instruction);
    EXPECT_EQ(test::as_addr2line(result.frames), test::addr2line(path_, {after}).at(0));
}

}  // namespace
}  // namespace ftnt::symbolize
