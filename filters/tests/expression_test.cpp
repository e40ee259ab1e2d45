#include <gtest/gtest.h>

#include "ftnettrace/filters.h"

namespace ftnt::filters {
namespace {

TEST(Expression, AnyOfJoinsWithOr) {
    EXPECT_EQ(any_of("reason", {3, 12}), "reason == 3 || reason == 12");
    EXPECT_EQ(any_of("reason", {}), "");
}

TEST(Expression, NoneOfJoinsWithAnd) {
    EXPECT_EQ(none_of("reason", {2}), "reason != 2");
    EXPECT_EQ(none_of("reason", {2, 3}), "reason != 2 && reason != 3");
}

TEST(Expression, AllOfParenthesizesEachClauseAndSkipsEmpty) {
    EXPECT_EQ(all_of({"", "protocol == 2048", ""}), "protocol == 2048");
    EXPECT_EQ(all_of({"reason == 3 || reason == 12", "protocol == 2048"}),
              "(reason == 3 || reason == 12) && (protocol == 2048)");
    EXPECT_EQ(all_of({}), "");
}

TEST(Expression, SplitListTrimsAndDropsEmptyParts) {
    EXPECT_EQ(split_list(" a, b ,,c "), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace ftnt::filters
