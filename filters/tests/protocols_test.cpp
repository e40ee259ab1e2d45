#include <gtest/gtest.h>

#include "ftnettrace/filters.h"

namespace ftnt::filters {
namespace {

TEST(Protocols, LinkNamesBecomeEthertypes) {
    auto choice = parse_protocols("IPv4,ipv6,arp");
    EXPECT_EQ(choice.ethertypes, (std::vector<uint16_t>{0x0800, 0x86dd, 0x0806}));
    EXPECT_TRUE(choice.transports.empty());
}

TEST(Protocols, TransportNamesAreKeptForUserSpace) {
    auto choice = parse_protocols("tcp,UDP");
    EXPECT_TRUE(choice.ethertypes.empty());
    EXPECT_EQ(choice.transports, (std::vector<std::string>{"TCP", "UDP"}));
}

TEST(Protocols, UnknownNameListsTheKnownOnes) {
    try {
        parse_protocols("ipx");
        FAIL() << "ipx accepted";
    } catch (const FilterError& error) {
        std::string text = error.what();
        EXPECT_NE(text.find("unknown protocol 'ipx'"), std::string::npos);
        EXPECT_NE(text.find("ipv6"), std::string::npos);
    }
}

}  // namespace
}  // namespace ftnt::filters
