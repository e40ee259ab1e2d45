// The one parser of --netns text (core/netns_name), used by path runs and firewall runs.
#include "core/netns_name.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace ftnt {
namespace {

TEST(ParseNetns, EmptyIsTheCurrentNamespace) {
    EXPECT_EQ(parse_netns("").kind, NetnsName::Kind::current);
}

TEST(ParseNetns, NumbersUpToPidMaxLimitArePidsAboveAreInodes) {
    auto pid = parse_netns("4194304");
    EXPECT_EQ(pid.kind, NetnsName::Kind::pid);
    EXPECT_EQ(pid.number, 4194304u);
    auto inode = parse_netns("4026531833");  // init_net's inode on 6.18
    EXPECT_EQ(inode.kind, NetnsName::Kind::inode);
    EXPECT_EQ(inode.number, 4026531833u);
}

TEST(ParseNetns, NamesAreNamesUnderRunNetnsWithoutASlash) {
    EXPECT_EQ(parse_netns("ftnt-1-a").kind, NetnsName::Kind::name);
    EXPECT_THROW(parse_netns("../etc"), UsageError);
}

TEST(ParseNetns, NumbersAboveThirtyTwoBitsAreRefused) {
    EXPECT_THROW(parse_netns("4294967296"), UsageError);
}

}  // namespace
}  // namespace ftnt
