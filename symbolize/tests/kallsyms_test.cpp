#include "ftnettrace/kallsyms.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace ftnt::symbolize {
namespace {

std::string read_fixture(const std::string& name) {
    std::ifstream in(std::string(SYMBOLIZE_FIXTURES) + "/" + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(Kallsyms, SizeRunsToNextSymbolLikeTheKernelPrintsIt) {
    auto symbols = Kallsyms::parse(read_fixture("kallsyms-6.18-excerpt.txt"));
    // The 6.18 kernel itself printed "location=tcp_v4_rcv+0x91/0x13f0" for this address.
    EXPECT_EQ(describe_address(symbols, 0xffffffff82035b40 + 0x91), "tcp_v4_rcv+0x91/0x13f0");
    EXPECT_EQ(describe_address(symbols, 0xffffffff82035b40 + 0x91, false), "tcp_v4_rcv+0x91");
}

TEST(Kallsyms, AddressBeforeEverySymbolIsUnknown) {
    auto symbols = Kallsyms::parse(read_fixture("kallsyms-6.18-excerpt.txt"));
    EXPECT_FALSE(symbols.lookup(0x1000));
    EXPECT_EQ(describe_address(symbols, 0x1000), "0x1000");
}

TEST(Kallsyms, AnchorsAndDuplicates) {
    auto symbols = Kallsyms::parse(read_fixture("kallsyms-6.18-excerpt.txt"));
    EXPECT_EQ(symbols.address_of("_text"), 0xffffffff81000000u);
    EXPECT_EQ(symbols.find("tcp_v4_rcv").size(), 1u);
    EXPECT_FALSE(symbols.addresses_hidden());
}

TEST(Kallsyms, ModuleSymbolsCarryTheirModule) {
    auto symbols = Kallsyms::parse(
        "ffffffffc0a01000 t veth_xmit\t[veth]\n"
        "ffffffffc0a01400 t veth_get_stats64\t[veth]\n"
        "ffffffffc0a02000 t nft_do_chain\t[nf_tables]\n"
        "ffffffffc0a02000 t nft_do_chain_alias\t[nf_tables]\n"
        "ffffffffc0a02800 t nft_next\t[nf_tables]\n");
    EXPECT_EQ(describe_address(symbols, 0xffffffffc0a01010), "veth_xmit+0x10/0x400 [veth]");
    EXPECT_EQ(describe_address(symbols, 0xffffffffc0a02004), "nft_do_chain+0x4/0x800 [nf_tables]");
}

TEST(Kallsyms, StaticFunctionsWithOneNameAreAllKept) {
    auto symbols = Kallsyms::parse(
        "ffffffff81000000 t helper\n"
        "ffffffff81000100 t other\n"
        "ffffffff81000200 t helper\n"
        "ffffffff81000300 T last\n");
    auto both = symbols.find("helper");
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[0]->address, 0xffffffff81000000u);
    EXPECT_EQ(both[1]->address, 0xffffffff81000200u);
}

TEST(Kallsyms, ZeroedAddressesAreDetected) {
    auto symbols = Kallsyms::parse(read_fixture("kallsyms-modules-zeroed.txt"));
    EXPECT_TRUE(symbols.addresses_hidden());
    EXPECT_FALSE(symbols.lookup(0));
}

TEST(Kallsyms, SlidKernelWithAModuleAsThe61GuestShowedIt) {
    auto symbols = Kallsyms::parse(read_fixture("kallsyms-6.1-guest-kaslr.txt"));
    EXPECT_EQ(symbols.address_of("_text"), 0xffffffffb6c00000u);
    // The guest's own faddr2line printed these for the same boot's addresses.
    EXPECT_EQ(describe_address(symbols, 0xffffffffb74ac410 + 0x6d3), "tcp_v4_rcv+0x6d3/0xee0");
    EXPECT_EQ(describe_address(symbols, 0xffffffffc057da80 + 0x10), "veth_xmit+0x10/0x270 [veth]");
    // Listed after veth_set_channels.cold in the file, veth_enable_xdp still ends
    // veth_set_channels.
    EXPECT_EQ(describe_address(symbols, 0xffffffffc057ddf0 + 0x2ef),
              "veth_set_channels+0x2ef/0x2f0 [veth]");
    EXPECT_EQ(describe_address(symbols, 0xffffffffc057e0e0, false), "veth_enable_xdp+0x0 [veth]");
    // Read-only data (__msg.85) names no code.
    EXPECT_TRUE(symbols.find("__msg.85").empty());
}

}  // namespace
}  // namespace ftnt::symbolize
