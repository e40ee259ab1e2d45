#include "judge/condition.h"

#include <gtest/gtest.h>

#include <map>

namespace ftnt {
namespace {

FieldLookup fields(std::map<std::string, std::string> values) {
    return [values](const std::string& field) -> std::optional<std::string> {
        auto found = values.find(field);
        if (found == values.end()) return std::nullopt;
        return found->second;
    };
}

bool holds(const std::string& text, std::map<std::string, std::string> values) {
    Condition condition;
    EXPECT_EQ(condition.parse(text), "") << text;
    return condition.holds(fields(std::move(values)));
}

TEST(Condition, TermsAlternativesAndNumbers) {
    EXPECT_TRUE(holds("", {}));
    EXPECT_TRUE(
        holds("reason == NO_SOCKET and l4 == TCP", {{"reason", "NO_SOCKET"}, {"l4", "TCP"}}));
    EXPECT_FALSE(
        holds("reason == NO_SOCKET and l4 == TCP", {{"reason", "NO_SOCKET"}, {"l4", "UDP"}}));
    EXPECT_TRUE(holds("reason == IP_INNOROUTES|IP_INADDRERRORS", {{"reason", "IP_INADDRERRORS"}}));
    EXPECT_FALSE(holds("reason != NO_SOCKET|NOT_SPECIFIED", {{"reason", "NOT_SPECIFIED"}}));
    EXPECT_TRUE(holds("dport >= 1024 and dport < 0x2000", {{"dport", "7001"}}));
    EXPECT_FALSE(holds("dport > 7001", {{"dport", "7001"}}));
    EXPECT_TRUE(holds("ret == -1", {{"ret", "-1"}}));
}

TEST(Condition, AFieldTheEventLacksHoldsOnlyForNotEqual) {
    EXPECT_FALSE(holds("dport == 80", {}));
    EXPECT_FALSE(holds("dport < 80", {}));
    EXPECT_TRUE(holds("dport != 80", {}));
}

TEST(Condition, BadTextSaysWhy) {
    Condition c;
    EXPECT_EQ(c.parse("dport ~ 80"), "unknown operator '~' (==, !=, <, <=, >, >=)");
    EXPECT_EQ(c.parse("dport == 80 or sport == 1"), "terms are joined by 'and', not 'or'");
    EXPECT_EQ(c.parse("dport == 80 and"), "nothing after the last 'and'");
    EXPECT_EQ(c.parse("dport == |80"), "an empty value in '|80'");
}

}  // namespace
}  // namespace ftnt
