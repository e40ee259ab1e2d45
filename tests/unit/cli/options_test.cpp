#include "cli/options.h"

#include <gtest/gtest.h>

#include <vector>

#include "cli/mode_options.h"
#include "core/errors.h"

namespace ftnt {
namespace {

ParseResult parse(std::vector<std::string> args) {
    args.insert(args.begin(), "ftnettrace");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    return parse_command_line(static_cast<int>(argv.size()), argv.data());
}

TEST(Options, DropWithFilters) {
    auto r = parse({"--drop", "--reason", "NO_SOCKET", "--proto", "ipv4", "-c", "3", "-o", "json"});
    ASSERT_TRUE(r.options);
    EXPECT_EQ(r.options->mode, Mode::Drop);
    EXPECT_EQ(r.options->reasons, "NO_SOCKET");
    EXPECT_EQ(r.options->count, 3u);
    EXPECT_EQ(r.options->output, OutputKind::Json);
}

TEST(Options, BadInputExitsTwo) {
    EXPECT_EQ(parse({"--drop", "-o", "xml"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--no-such-flag"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "-c", "zero"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--duration", "-1"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--ring-pages", "3"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--cleanup"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--interval", "1"}).exit_code, kExitUsage);
}

TEST(Options, PathTracingIsTheDefaultMode) {
    auto r = parse({"-s", "192.0.2.1", "--basic"});
    ASSERT_TRUE(r.options);
    EXPECT_EQ(r.options->mode, Mode::Path);
    EXPECT_TRUE(r.options->basic);
    EXPECT_EQ(parse({"--tcp-flags", "SX"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--icmp-id", "70000"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--check", "--drop"}).exit_code, kExitUsage);
}

TEST(Options, FirewallStepsJoinThePathUnlessStepsOnly) {
    auto joined = parse({"--iptables-trace", "--hooks", "-p", "icmp"});
    ASSERT_TRUE(joined.options);
    EXPECT_EQ(joined.options->mode, Mode::IptablesTrace);
    EXPECT_TRUE(joined.options->hooks);
    EXPECT_FALSE(joined.options->steps_only);
    auto alone = parse({"--iptables-trace", "--steps-only"});
    ASSERT_TRUE(alone.options);
    EXPECT_TRUE(alone.options->steps_only);
    EXPECT_EQ(parse({"--steps-only"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--iptables-trace", "--drop"}).exit_code, kExitUsage);
}

TEST(Options, WriteAndSnaplenForPathAndDropOnly) {
    auto drop = parse({"--drop", "-w", "d.pcapng", "--snaplen", "64"});
    ASSERT_TRUE(drop.options);
    EXPECT_EQ(drop.options->pcapng_path, "d.pcapng");
    EXPECT_EQ(drop.options->snaplen, 64u);
    auto path = parse({"--diag", "--write", "p.pcapng"});
    ASSERT_TRUE(path.options);
    EXPECT_EQ(path.options->pcapng_path, "p.pcapng");
    EXPECT_EQ(path.options->snaplen, 0u);
    EXPECT_EQ(parse({"--reset", "-w", "r.pcapng"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--iptables-trace", "--steps-only", "-w", "r.pcapng"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--snaplen", "64"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "-w", "d", "--snaplen", "0"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "-w", "d", "--snaplen", "x"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "-w", ""}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--summary", "-w", "d"}).exit_code, kExitUsage);
}

// Issue 11 item 10: these aborted (stoul, exit 134) or ended with exit 1.
TEST(Options, BadNumbersExitTwoNamingTheFlag) {
    std::string long_digits(300, '9');
    for (const std::string& value :
         std::vector<std::string>{"abc", "", "inf", "nan", "\xc3\xa9", "18446744073709551616", "-4",
                                  " 4", "0x10", std::string(10000, 'a'), long_digits}) {
        testing::internal::CaptureStderr();
        auto r = parse({"--drop", "--ring-pages", value});
        auto err = testing::internal::GetCapturedStderr();
        EXPECT_EQ(r.exit_code, kExitUsage) << value.substr(0, 50);
        EXPECT_NE(err.find("--ring-pages"), std::string::npos) << err;
        EXPECT_LT(err.size(), 200u) << "the message echoes at most a few dozen bytes";
    }
    EXPECT_EQ(parse({"--netns", "99999999999999999999999"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--netns", "4294967296"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "-c", "18446744073709551616"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--pid", "99999999999"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--icmp-id", "nan"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--min-latency", "inf"}).exit_code, kExitUsage);
    auto ok = parse({"--drop", "--ring-pages", "64", "-c", "5", "--duration", "0.5"});
    ASSERT_TRUE(ok.options);
    EXPECT_EQ(ok.options->ring_pages, 64u);
    EXPECT_EQ(ok.options->count, 5u);
    EXPECT_DOUBLE_EQ(ok.options->duration_seconds, 0.5);
}

// Issue 11 item 11: accepted and then ignored, or a run that never stops.
TEST(Options, ValuesThatWouldBeIgnoredAreRefused) {
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"--drop", "--duration", "nan"},
             {"--drop", "--duration", "1e9999"},
             {"--drop", "--summary", "--interval", "nan"},
             {"--drop", "--summary", "--interval", "1e-9"},
             {"--drop", "--summary", "--interval", "0.000000001"},
             {"--drop", "--reason", ","},
             {"--drop", "--reason", ""},
             {"--drop", "--exclude-reason", "A,,B"},
             {"--drop", "-p", ","},
             {"-t", "link-in,"},
             {"-t", ""},
             {"--pkt-len", "1-2-3"},
             {"--pkt-len", "9-3"},
             {"--pkt-len", ""},
             {"--tcp-flags", ""},
             {"--drop", "-c", "18446744073709551616"},
         }) {
        args.insert(args.begin(), "ftnettrace");
        testing::internal::CaptureStderr();
        auto r = parse(std::vector<std::string>(args.begin() + 1, args.end()));
        auto err = testing::internal::GetCapturedStderr();
        EXPECT_EQ(r.exit_code, kExitUsage) << args[1] << " " << args[2];
        EXPECT_FALSE(err.empty());
    }
}

TEST(Options, OptionsOfAnotherModeAreRefusedWithTheModesTheyGoWith) {
    testing::internal::CaptureStderr();
    EXPECT_EQ(parse({"--drop", "--hooks"}).exit_code, kExitUsage);
    auto err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("--hooks does not apply to --drop (it goes with: path tracing"),
              std::string::npos)
        << err;
    EXPECT_EQ(parse({"--drop", "--kprobe", "ip_rcv"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--cleanup", "--duration", "1"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--cleanup", "-s", "192.0.2.1"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--check", "-c", "1"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--reason", "NO_SOCKET"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--iptables-trace", "--summary"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--drop", "--netns-current"}).exit_code, kExitUsage);
    EXPECT_TRUE(parse({"--iptables-trace", "--hooks", "--pid", "4"}).options);
    EXPECT_TRUE(parse({"--check", "--btf", "/dev/null", "-o", "json"}).options);
}

TEST(Options, HelpIsNotAnError) {
    auto r = parse({"--help"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 0);
}

TEST(Options, NetnsAndNetnsCurrentExcludeEachOtherInEveryMode) {
    EXPECT_EQ(parse({"--netns", "ftnt-1-a", "--netns-current"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--iptables-trace", "--netns", "1", "--netns-current"}).exit_code, kExitUsage);
    EXPECT_TRUE(parse({"--netns-current"}).options);
}

TEST(Options, StepsOnlyRefusesWhatOnlyAPathApplies) {
    for (const char* flag : {"--pid", "--icmp-id"})
        EXPECT_EQ(parse({"--iptables-trace", "--steps-only", flag, "7"}).exit_code, kExitUsage)
            << flag;
    EXPECT_EQ(parse({"--iptables-trace", "--steps-only", "--tcp-flags", "S"}).exit_code,
              kExitUsage);
    EXPECT_EQ(parse({"--iptables-trace", "--steps-only", "--hooks"}).exit_code, kExitUsage);
    EXPECT_TRUE(parse({"--iptables-trace", "--steps-only", "-p", "tcp"}).options);
    EXPECT_TRUE(parse({"--iptables-trace", "--pid", "7"}).options);  // joined to paths
}

TEST(Options, StepsAloneRefusalNamesTheFlagAndWhy) {
    Options o;
    o.pkt_len = "100";
    try {
        refuse_path_flags_without_paths(o);
        FAIL() << "not refused";
    } catch (const UsageError& error) {
        EXPECT_EQ(std::string(error.what()).rfind("--pkt-len applies to packet paths", 0), 0u)
            << error.what();
    }
    EXPECT_NO_THROW(refuse_path_flags_without_paths(Options{}));
}

}  // namespace
}  // namespace ftnt

namespace ftnt {
namespace {

TEST(Options, MonitorTakesItsMetricsFlagsAndInterval) {
    auto r = parse({"--monitor", "--metrics-listen", "127.0.0.1:9101", "--metrics-file",
                    "/tmp/m.prom", "--interval", "5", "--reason", "NO_SOCKET"});
    ASSERT_TRUE(r.options);
    EXPECT_EQ(r.options->mode, Mode::Monitor);
    EXPECT_EQ(r.options->metrics_listen, "127.0.0.1:9101");
    EXPECT_EQ(r.options->metrics_file, "/tmp/m.prom");
    EXPECT_EQ(r.options->interval_seconds, 5);
    EXPECT_EQ(parse({"--drop", "--metrics-file", "/tmp/m.prom"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--monitor", "--drop"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--monitor", "--hooks"}).exit_code, kExitUsage);
    EXPECT_EQ(parse({"--monitor", "--interval", "0"}).exit_code, kExitUsage);
}

}  // namespace
}  // namespace ftnt
