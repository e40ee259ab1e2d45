// In-process fuzzing of every parser that reads what the kernel or a file gives: catalog
// files, tracefs format files (tracepoints and kprobes share the grammar), BTF, ELF and
// compressed modules, kernel log TRACE/LOG lines and nf_tables trace netlink messages. Each
// input is a recorded one (tests/fixtures, kprobe-defs, or the lines recorded for the unit
// tests) mutated; a case passes when the parser returns or throws its own error, and the
// process stays under a memory bound.
#include <bpf/btf.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/errors.h"
#include "discover/drop_reasons.h"
#include "discover/event_formats.h"
#include "discover/tracefs_features.h"
#include "module_file.h"
#include "mutator.h"
#include "netfilter/kmsg_announce.h"
#include "netfilter/kmsg_lines.h"
#include "netfilter/nft_trace_decode.h"
#include "netfilter/nft_trace_message.h"
#include "netfilter/rule_text.h"
#include "netfilter/run_state.h"
#include "plan/catalog.h"
#include "unit/support/recorded_nftrace_message.h"

namespace ftnt::fuzz {
namespace {

constexpr long kMaxRssMb = 768;

std::string file_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> files_ending(const std::string& dir, const std::string& suffix) {
    std::vector<std::string> texts;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.path().string().ends_with(suffix)) texts.push_back(file_text(entry.path()));
    return texts;
}

class TempDir {
  public:
    TempDir() {
        char name[] = "/tmp/ftnt-fuzz-XXXXXX";
        path_ = ::mkdtemp(name);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// Runs `parse` on each input in a child process. Returns "" when the child exited 0; else
// what ended it, with the input it was on saved as `<save_as>-<n>` (the index is kept in
// shared memory: writing every input to a file first costs more than parsing it).
template <typename Parse>
std::string run_in_child(const std::vector<std::string>& inputs, const std::string& save_as,
                         Parse parse) {
    auto* current = static_cast<std::size_t*>(::mmap(
        nullptr, sizeof(std::size_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
    if (current == MAP_FAILED) return "mmap failed";
    *current = 0;
    pid_t child = ::fork();
    if (child == 0) {
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            *current = i;
            parse(inputs[i]);
        }
        ::_exit(0);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    std::size_t at = *current;
    ::munmap(current, sizeof(std::size_t));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
    static int saved = 0;
    std::string path = save_as + "-" + std::to_string(::getpid()) + "-" + std::to_string(++saved);
    std::ofstream(path, std::ios::binary) << inputs[at];
    return (WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                : "exit " + std::to_string(WEXITSTATUS(status))) +
           " on the input saved as " + path + "; FTNT_FUZZ_SEED=" + std::to_string(seed()) +
           " repeats it";
}

TEST(FuzzParsers, CatalogFiles) {
    Mutator m(1);
    auto recorded = files_ending(FTNT_CATALOG, ".def");
    ASSERT_FALSE(recorded.empty());
    int cases = 0, accepted = 0;
    for (; cases < 3000; ++cases) {
        Catalog catalog;
        try {
            catalog.load_text(m.mutate(m.pick(recorded)), "fuzz.def");
            ++accepted;
            for (const auto& entry : catalog.entries()) {
                // What the loader accepts is safe to become a path or a kprobe_events word.
                if (entry.kind == "tracepoint") {
                    EXPECT_TRUE(valid_event_name(entry.system())) << entry.name;
                    EXPECT_TRUE(valid_event_name(entry.event())) << entry.name;
                } else {
                    EXPECT_TRUE(valid_function_name(entry.name)) << entry.name;
                }
            }
        } catch (const UsageError&) {
        }
    }
    std::cerr << "catalog: " << cases << " cases, " << accepted << " accepted\n";
    EXPECT_LT(peak_rss_mb(), kMaxRssMb);
}

// Tracepoint formats of 5.10, 6.1 and 6.18 (a kprobe event's format file has the same form),
// mutated, through EventFormats::parse (shape check, then libtraceevent 1.7 on the reduced
// format). Each batch runs in a child process so that a crash is reported with its input
// (saved under /tmp) and the seed, and fails the test: the kernel's files are not trusted.
TEST(FuzzParsers, TracefsFormatFiles) {
    Mutator m(2);
    auto recorded = files_ending(FTNT_FIXTURES, ".format");
    auto readmes = files_ending(FTNT_FIXTURES, "tracefs_README");
    ASSERT_FALSE(recorded.empty());
    for (const auto& text : recorded) EXPECT_TRUE(format_shape_ok(text)) << text;
    int cases = 0, shaped = 0;
    for (int batch = 0; batch < 20; ++batch) {
        std::vector<std::string> inputs;
        for (int i = 0; i < 100; ++i, ++cases) {
            inputs.push_back(m.mutate(m.pick(recorded), m.chance(50) ? 1 : 0));
            shaped += format_shape_ok(inputs.back());
        }
        auto failure = run_in_child(inputs, "/tmp/ftnt-fuzz-format", [](const std::string& text) {
            EventFormats formats;
            try {
                if (tep_event* event = formats.parse(text, "skb"))
                    DropReasonTable::from_event(event);
            } catch (const std::exception&) {
            }
        });
        if (!failure.empty())
            ADD_FAILURE() << "parsing a format file ended the process: " << failure;
    }
    for (int i = 0; i < 500; ++i, ++cases) parse_tracefs_readme(m.mutate(m.pick(readmes), 20));
    std::cerr << "formats and README: " << cases << " cases, " << shaped
              << " formats passed the shape check and went to libtraceevent\n";
    EXPECT_LT(peak_rss_mb(), kMaxRssMb);
}

// A BTF blob built here with the types ftnettrace reads (sk_buff members), then mutated.
TEST(FuzzParsers, Btf) {
    Mutator m(3);
    btf* built = btf__new_empty();
    ASSERT_TRUE(built);
    int u32 = btf__add_int(built, "unsigned int", 4, 0);
    int ptr = btf__add_ptr(built, 0);
    int skb = btf__add_struct(built, "sk_buff", 232);
    btf__add_field(built, "len", u32, 112 * 8, 0);
    btf__add_field(built, "data", ptr, 208 * 8, 0);
    btf__add_enum(built, "skb_drop_reason", 4);
    btf__add_enum_value(built, "SKB_DROP_REASON_NOT_SPECIFIED", 2);
    ASSERT_GT(skb, 0);
    uint32_t size = 0;
    const void* raw = btf__raw_data(built, &size);
    std::string recorded(static_cast<const char*>(raw), size);
    btf__free(built);
    int cases = 0, parsed = 0;
    for (; cases < 3000; ++cases) {
        auto data = m.mutate(recorded, 1 + static_cast<int>(m.below(4)));
        btf* b = btf__new(data.data(), static_cast<uint32_t>(data.size()));
        if (!b) continue;
        ++parsed;
        btf__find_by_name_kind(b, "sk_buff", BTF_KIND_STRUCT);
        btf__free(b);
    }
    std::cerr << "BTF: " << cases << " cases, " << parsed << " parsed\n";
    EXPECT_LT(peak_rss_mb(), kMaxRssMb);
}

// /bin/true (an ELF here) and its xz/zstd forms, mutated, through the module reader and the
// debug-image opener.
TEST(FuzzParsers, ElfAndCompressedModules) {
    Mutator m(4);
    TempDir dir;
    std::string elf = file_text("/bin/true");
    ASSERT_GT(elf.size(), 1000u);
    std::ofstream(dir.path() + "/m.ko", std::ios::binary) << elf;
    ASSERT_EQ(
        std::system(
            ("xz -k -T1 " + dir.path() + "/m.ko && zstd -q -k " + dir.path() + "/m.ko").c_str()),
        0);
    std::vector<std::pair<std::string, std::string>> recorded = {
        {".ko", elf},
        {".ko.xz", file_text(dir.path() + "/m.ko.xz")},
        {".ko.zst", file_text(dir.path() + "/m.ko.zst")}};
    int cases = 0, opened = 0;
    for (; cases < 300; ++cases) {
        const auto& [suffix, data] = m.pick(recorded);
        std::string path = dir.path() + "/case" + suffix;
        std::ofstream(path, std::ios::binary) << m.mutate(data, 1 + static_cast<int>(m.below(6)));
        try {
            symbolize::open_elf_file(path);
            ++opened;
        } catch (const std::runtime_error&) {
        }
    }
    std::cerr << "ELF/xz/zst: " << cases << " cases, " << opened << " opened\n";
    EXPECT_LT(peak_rss_mb(), kMaxRssMb);
}

// Kernel log records as /dev/kmsg gave them on the 6.18 machine (the same ones as
// tests/unit/netfilter/kmsg_lines_test.cpp), and a LOG line of --log-invalid.
TEST(FuzzParsers, KmsgTraceAndLogLines) {
    Mutator m(5);
    std::vector<std::string> recorded = {
        "4,377,4975168440,-;TRACE: filter:USERCHAIN:rule:1 IN=ftntxb OUT= "
        "MAC=d6:68:bd:9d:90:8e:aa:31:3d:2c:f0:5d:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=84 "
        "TOS=0x00 PREC=0x00 TTL=64 ID=33575 DF PROTO=ICMP TYPE=8 CODE=0 ID=29580 SEQ=1 \n",
        "4,390,5814985632,-;TRACE: filter:INPUT:rule:1 IN=ftntmb OUT= "
        "MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:08:00 SRC=192.0.2.1 DST=192.0.2.2 LEN=60 "
        "TOS=0x00 PREC=0x00 TTL=64 ID=4662 DF PROTO=TCP SPT=43148 DPT=7100 SEQ=727381336 ACK=0 "
        "WINDOW=64240 RES=0x00 SYN URGP=0 OPT (020405B40402080A27F7A399000000000103030A) \n",
        "4,386,5814980422,-;TRACE: filter:INPUT:rule:1 IN=ftntmb OUT= "
        "MAC=ee:ca:7e:4b:d0:52:fe:d5:e4:91:94:01:86:dd "
        "SRC=2001:0db8:0000:0000:0000:0000:0000:0001 "
        "DST=2001:0db8:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=879608 "
        "PROTO=ICMPv6 TYPE=128 CODE=0 ID=6028 SEQ=1 \n",
        "7,412,6014985657,-;ftnettrace-invalid: IN=ftntmb OUT= SRC=192.0.2.1 DST=192.0.2.2 "
        "LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=40000 DPT=7200 SEQ=0 ACK=0 "
        "WINDOW=0 RES=0x00 SYN FIN URGP=0 \n",
        // The LOG line of a run's announcing rule (6.18, 2026-11-27, kmsg_announce_test.cpp).
        "7,530,12688495593,-;ftnettrace:B1 IN= OUT=lo SRC=127.0.0.77 DST=127.0.0.77 LEN=84 "
        "TOS=0x00 PREC=0x00 TTL=64 ID=22023 DF PROTO=ICMP TYPE=8 CODE=0 ID=27703 SEQ=1 \n",
        "4,531,12688497574,-;TRACE: raw:OUTPUT:policy:3 IN= OUT=lo SRC=127.0.0.77 "
        "DST=127.0.0.77 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=22023 DF PROTO=ICMP TYPE=8 CODE=0 "
        "ID=27703 SEQ=1 UID=0 GID=0 \n"};
    netfilter::AnnouncedPackets announced(5'000'000, 1024);
    int cases = 0, kept = 0;
    for (; cases < 20000; ++cases) {
        auto raw = m.mutate(m.pick(recorded));
        if (auto record = netfilter::parse_kmsg_record(raw)) {
            if (auto line = netfilter::parse_trace_line(record->message))
                kept += announced.announced(line->packet, record->time_us);
            netfilter::parse_prefixed_log(record->message, "ftnettrace-invalid: ");
            if (auto packet = netfilter::parse_prefixed_log(record->message, "ftnettrace:B1 "))
                announced.announce(*packet, record->time_us);
        }
        netfilter::parse_trace_line(raw);
        netfilter::tagged_pid(raw);
        netfilter::split_save_line(raw);
    }
    EXPECT_LE(announced.size(), 1024u);
    std::cerr << "kmsg lines: " << cases << " cases, " << kept << " TRACE lines announced\n";
    EXPECT_LT(peak_rss_mb(), kMaxRssMb);
}

// The recorded NFT_MSG_TRACE message of the unit tests, as bytes to mutate.
std::string recorded_trace_message() {
    auto message = test::recorded_trace_message();
    return {message.begin(), message.end()};
}

// ftnettrace's own netlink walker checks every message and attribute length against what is
// left and each attribute's size before it reads one. Each batch runs in a child process: one
// that does not exit 0 fails the test, with its last input saved and the seed printed. The
// input is decoded from an unaligned copy that ends where it ends (a read past it leaves the
// allocation: caught by a sanitizer build).
TEST(FuzzParsers, NftraceNetlinkMessages) {
    Mutator m(6);
    std::string recorded = recorded_trace_message();
    int decoded_unmutated = 0;
    netfilter::decode_nftrace_messages(
        recorded.data(), recorded.size(),
        [&](const netfilter::NftTraceEvent& e) { decoded_unmutated += e.table == "filter"; });
    ASSERT_EQ(decoded_unmutated, 1) << "the recorded message itself must decode";
    int cases = 0;
    for (int batch = 0; batch < 20; ++batch) {
        std::vector<std::string> inputs;
        for (int i = 0; i < 1000; ++i, ++cases)
            inputs.push_back(m.mutate(recorded, 1 + static_cast<int>(m.below(4))));
        auto failure = run_in_child(inputs, "/tmp/ftnt-fuzz-nftrace", [](const std::string& data) {
            std::vector<uint8_t> exact(data.size() + 1);
            std::memcpy(exact.data() + 1, data.data(), data.size());
            netfilter::decode_nftrace_messages(
                exact.data() + 1, data.size(), [&](const netfilter::NftTraceEvent& e) {
                    netfilter::PacketInfo packet;
                    netfilter::decode_trace_headers(e.network_header, e.transport_header, packet);
                    netfilter::nft_verdict_name(e.verdict.value_or(0), e.jump_target);
                });
        });
        if (!failure.empty())
            ADD_FAILURE() << "a netlink message ended the decoding process: " << failure;
    }
    std::cerr << "nftrace messages: " << cases << " cases\n";
    EXPECT_LT(peak_rss_mb(), kMaxRssMb);
}

// The state files --cleanup reads (written by runs, but /run is root's only: still parsed
// without trust).
TEST(FuzzParsers, RunStateFiles) {
    Mutator m(7);
    netfilter::StateFile state;
    state.netns_inode = 4026532246u;
    state.netns_path = "/run/netns/ftnt-1-b";
    state.sysctls.push_back({4026531833u, "net/netfilter/nf_log_all_netns", "0", "1"});
    state.rules.push_back({"iptables-legacy",
                           "filter",
                           "INPUT",
                           {"-p", "icmp", "-m", "comment", "--comment", "ftnettrace:12", "-j",
                            "LOG", "--log-prefix", "ftnettrace-invalid: "}});
    state.tables.push_back({"inet", "ftnettrace_12"});
    auto recorded = netfilter::format_state(state);
    auto back = netfilter::parse_state(recorded);
    ASSERT_EQ(back.rules.size(), 1u);
    EXPECT_EQ(back.rules[0], state.rules[0]);
    int cases = 0;
    for (; cases < 5000; ++cases) netfilter::parse_state(m.mutate(recorded));
    std::cerr << "state files: " << cases << " cases\n";
}

}  // namespace
}  // namespace ftnt::fuzz
