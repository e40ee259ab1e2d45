#include "cli/run_options.h"

#include <gtest/gtest.h>

#include <vector>

namespace ftnt {
namespace {

Options parsed(std::vector<std::string> args) {
    args.insert(args.begin(), "ftnettrace");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    auto result = parse_command_line(static_cast<int>(argv.size()), argv.data());
    EXPECT_TRUE(result.options) << "exit " << result.exit_code;
    return result.options.value_or(Options{});
}

TEST(RunOptions, DropTakesItsFlagsAndTheFilter) {
    auto drop = drop_run_options(
        parsed({"--drop", "--reason", "NO_SOCKET", "--exclude-reason", "NOT_SPECIFIED", "--proto",
                "udp", "-s", "192.0.2.1", "-D", "53", "--pid", "42", "--drop-stack"}));
    EXPECT_EQ(drop.reasons, "NO_SOCKET");
    EXPECT_EQ(drop.exclude_reasons, "NOT_SPECIFIED");
    EXPECT_EQ(drop.filter.proto, "udp");
    EXPECT_EQ(drop.filter.saddr, "192.0.2.1");
    EXPECT_EQ(drop.filter.dport, "53");
    EXPECT_EQ(drop.pid, 42u);
    EXPECT_TRUE(drop.stack);
    EXPECT_FALSE(drop.summary);
}

TEST(RunOptions, DropSummary) {
    EXPECT_TRUE(drop_run_options(parsed({"--drop", "--summary"})).summary);
}

TEST(RunOptions, FilterFlagsKeepEachFlagInItsField) {
    auto flags = filter_flags_of(parsed(
        {"--addr", "2001:db8::1", "-S", "1000", "-P", "22", "-d", "192.0.2.2", "-p", "tcp"}));
    EXPECT_EQ(flags.addr, "2001:db8::1");
    EXPECT_EQ(flags.sport, "1000");
    EXPECT_EQ(flags.port, "22");
    EXPECT_EQ(flags.daddr, "192.0.2.2");
    EXPECT_EQ(flags.proto, "tcp");
    EXPECT_TRUE(flags.saddr.empty());
    EXPECT_TRUE(flags.dport.empty());
}

TEST(RunOptions, FirewallTakesTraceAndLogInvalid) {
    auto both = firewall_options(parsed({"--iptables-trace", "--log-invalid"}));
    EXPECT_TRUE(both.trace_rules);
    EXPECT_TRUE(both.log_invalid);
    auto invalid_only = firewall_options(parsed({"--log-invalid"}));
    EXPECT_FALSE(invalid_only.trace_rules);
    EXPECT_TRUE(invalid_only.log_invalid);
    auto path = firewall_options(parsed({"-s", "192.0.2.1"}));
    EXPECT_FALSE(path.trace_rules || path.log_invalid);
}

}  // namespace
}  // namespace ftnt
