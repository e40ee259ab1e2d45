// The drop function is chosen by what each real kernel can trace: the available_filter_functions
// excerpts captured in the 5.10, 6.1 and 6.12 guests (tests/fixtures/kernel-*), and the shipped
// catalog's [drop_function] entries.
#include "plan/drop_function.h"

#include <gtest/gtest.h>

#include <sstream>

#include "core/errors.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

// The excerpt's function names, without the " [module]" column.
ProbeableFunctions functions_of(const std::string& kernel) {
    ProbeableFunctions f;
    f.known = true;
    std::istringstream lines(test::fixture(kernel + "/available_filter_functions-excerpt.txt"));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) f.available.insert(line.substr(0, line.find(' ')));
    return f;
}

Catalog shipped() {
    Catalog c;
    c.load_directory(FTNT_CATALOG);
    return c;
}

TEST(DropFunction, Kernel612HasSkSkbReasonDrop) {
    auto f = functions_of("kernel-6.12");
    ASSERT_FALSE(f.available.count("kfree_skb"));  // an inline wrapper there
    auto drop = find_drop_function(shipped(), f);
    ASSERT_TRUE(drop);
    EXPECT_EQ(drop->function, "sk_skb_reason_drop");
    EXPECT_EQ(drop->skb_arg, 2);
    EXPECT_EQ(drop->reason_arg, 3);
}

TEST(DropFunction, Kernel61HasKfreeSkbReason) {
    auto drop = find_drop_function(shipped(), functions_of("kernel-6.1"));
    ASSERT_TRUE(drop);
    EXPECT_EQ(drop->function, "kfree_skb_reason");
    EXPECT_EQ(drop->skb_arg, 1);
    EXPECT_EQ(drop->reason_arg, 2);
}

TEST(DropFunction, Kernel510HasKfreeSkbWithoutReason) {
    auto f = functions_of("kernel-5.10");
    ASSERT_TRUE(f.available.count("kfree_skb"));
    auto drop = find_drop_function(shipped(), f);
    ASSERT_TRUE(drop);
    EXPECT_EQ(drop->function, "kfree_skb");
    EXPECT_EQ(drop->reason_arg, 0);
}

TEST(DropFunction, NoneTraceableOrBlacklisted) {
    ProbeableFunctions f;
    f.known = true;
    EXPECT_FALSE(find_drop_function(shipped(), f));
    f.available = {"kfree_skb_reason", "kfree_skb"};
    f.blacklisted = {"kfree_skb_reason"};
    EXPECT_EQ(find_drop_function(shipped(), f)->function, "kfree_skb");
}

TEST(DropFunction, BadArgumentNumberIsAnError) {
    // The catalog refuses it when it loads, before any run reads it.
    Catalog c;
    EXPECT_THROW(c.load_text("[drop_function f]\nskb = 9\n", "user.def"), UsageError);
}

}  // namespace
}  // namespace ftnt
