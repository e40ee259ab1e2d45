// The judge's data files: the shipped rules and reason words load, and a bad file stops the
// tool naming its file and line.
#include "judge/rule_base.h"

#include <gtest/gtest.h>

#include <map>

#include "core/errors.h"
#include "discover/drop_reasons.h"
#include "discover/event_formats.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

RuleBase shipped() {
    RuleBase base;
    base.load_directory(FTNT_CATALOG, false);
    return base;
}

// The UsageError's text for a file, or "" when it loads.
std::string error_of(const std::string& text) {
    try {
        RuleBase base;
        base.load_text(text, "mine.def");
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

TEST(RuleBase, ShippedRulesLoadAndTheBuiltInCopyIsTheSame) {
    auto from_dir = shipped();
    ASSERT_FALSE(from_dir.rules().empty());
    RuleBase built_in;
    built_in.load_builtin();
    ASSERT_EQ(built_in.rules().size(), from_dir.rules().size());
    for (std::size_t i = 0; i < from_dir.rules().size(); ++i)
        EXPECT_EQ(built_in.rules()[i].name, from_dir.rules()[i].name);
    EXPECT_EQ(built_in.reason_count(), from_dir.reason_count());
}

TEST(RuleBase, ARuleIsReadWithItsKeys) {
    RuleBase base;
    base.load_text(
        "# a comment\n"
        "[rule closed]\n"
        "at = skb:kfree_skb\n"
        "when = reason == NO_SOCKET and dport >= 1024\n"
        "passed = ip_rcv, tcp_v4_rcv\n"
        "level = warn\n"
        "message = port {dport} is closed\n"
        "advice = open {dport}\n",
        "mine.def");
    ASSERT_EQ(base.rules().size(), 1u);
    const auto& rule = base.rules()[0];
    EXPECT_EQ(rule.name, "closed");
    EXPECT_EQ(rule.at, "skb:kfree_skb");
    EXPECT_EQ(rule.level, DiagLevel::Warn);
    EXPECT_EQ(rule.passed, (std::vector<std::string>{"ip_rcv", "tcp_v4_rcv"}));
    EXPECT_EQ(rule.line, 2);
    EXPECT_FALSE(rule.needs_kprobes());
}

TEST(RuleBase, ABadFileNamesItsFileAndLine) {
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nlevel = fatal\nmessage = m\n"),
              "bad rule at mine.def:3: level must be one of info, warn, error (not 'fatal')");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nwhen = colour == red\nmessage = m\n"),
              "bad rule at mine.def:3: unknown field 'colour' (func, reason, ret, l4, saddr, "
              "daddr, sport, dport, dev, state, verdict, tcp_flags, len, netns or field.NAME)");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nmessage = port {port}\n"),
              "bad rule at mine.def:3: message: unknown placeholder {port}");
    EXPECT_EQ(error_of("\n\n[rule r]\nlevel = info\nmessage = m\n"),
              "bad rule at mine.def:3: a rule needs `at` (the point it reads)");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nmessage = m\nmood = calm\n"),
              "bad rule at mine.def:4: unknown key 'mood' for a rule");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nmessage = left by {passed.dev}\n"),
              "bad rule at mine.def:3: message: {passed.FIELD} needs `passed` (its points)");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\npassed = ip_rcv\nmessage = {passed.hue}\n"),
              "bad rule at mine.def:4: message: unknown placeholder {passed.hue}");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\npassed_when = field.type == 11\n"
                       "message = m\n"),
              "bad rule at mine.def:3: passed_when needs `passed` (its points)");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\npassed = icmp:icmp_send\n"
                       "passed_when = field.type = 11\nmessage = m\n"),
              "bad rule at mine.def:4: unknown operator '=' (==, !=, <, <=, >, >=)");
    EXPECT_EQ(error_of("[probe r]\n"),
              "bad rule at mine.def:1: unknown kind 'probe' (rule or reason)");
    EXPECT_EQ(error_of("at = x\n"), "bad rule at mine.def:1: key before any [section]");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nwhen = dport > many\nmessage = m\n"),
              "bad rule at mine.def:3: > compares numbers, not 'many'");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nwhen = dport == 1 or\nmessage = m\n"),
              "bad rule at mine.def:3: terms are joined by 'and', not 'or'");
    EXPECT_EQ(error_of("[rule r]\nat = skb:kfree_skb\nwhen = dport ==\nmessage = m\n"),
              "bad rule at mine.def:3: a condition is FIELD OP VALUE [and FIELD OP VALUE ...] "
              "('dport ==' ends early)");
    EXPECT_EQ(error_of("[reason X]\nmessage = a\n[reason X]\nmessage = b\n"),
              "bad rule at mine.def:3: reason X given twice");
}

// Every reason name of the recorded skb:kfree_skb formats (tests/fixtures/kernel-*, read
// from each kernel's tracefs) has its own words in drop-reasons.def.
TEST(RuleBase, EveryReasonOfTheRecordedKernelsHasWords) {
    auto base = shipped();
    const std::map<std::string, std::size_t> kNames = {
        {"kernel-5.17", 7}, {"kernel-6.1", 66}, {"kernel-6.12", 103}, {"kernel-6.18", 127}};
    for (const auto& [kernel, count] : kNames) {
        EventFormats formats;
        auto* event = formats.parse(test::fixture(kernel + "/skb_kfree_skb.format"), "skb");
        auto names = DropReasonTable::from_event(event).names();
        ASSERT_EQ(names.size(), count) << kernel;
        for (const auto& name : names) {
            EXPECT_TRUE(base.knows_reason(name)) << kernel << " " << name;
            auto words = base.words_for(name);
            EXPECT_FALSE(words.message.empty()) << name;
            EXPECT_FALSE(words.advice.empty()) << name;
        }
    }
}

TEST(RuleBase, AnUnknownReasonGetsOneGenericLine) {
    auto base = shipped();
    EXPECT_FALSE(base.knows_reason("WARP_CORE_BREACH"));
    auto words = base.words_for("WARP_CORE_BREACH");
    EXPECT_EQ(words.message,
              "the kernel dropped the packet for reason WARP_CORE_BREACH, which ftnettrace has "
              "no words for yet");
    EXPECT_EQ(base.words_for("NO_SOCKET").message,
              "no socket took the packet: nothing listens on its destination port, or the "
              "connection it belongs to is gone");
}

}  // namespace
}  // namespace ftnt
