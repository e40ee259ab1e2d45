#include "cli/options.h"

#include <gtest/gtest.h>

#include <vector>

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

TEST(Options, HelpIsNotAnError) {
    auto r = parse({"--help"});
    EXPECT_FALSE(r.options);
    EXPECT_EQ(r.exit_code, 0);
}

}  // namespace
}  // namespace ftnt
