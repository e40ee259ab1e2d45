// The rule-handle dump: the request's bytes, and the reply the 6.18 host kernel sent to it
// for chain input of table inet ftnt_t (tests/fixtures/kernel-6.18/nftrace, README there),
// whose handles must be those `nft -a list table` printed. Then replies that are not the
// answer: another sequence number, an error, an interrupted dump, another chain's rules.
#include "netfilter/nft_rule_dump.h"

#include <gtest/gtest.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include <regex>
#include <sstream>

#include "unit/fixture_file.h"
#include "unit/support/netlink_message_builder.h"

namespace ftnt::netfilter {
namespace {

using test::NetlinkMessageBuilder;

constexpr uint32_t kRecordedSeq = 4242;  // the capture's request (capture/capture.py)

std::vector<std::vector<uint8_t>> hex_lines(const std::string& relative) {
    std::vector<std::vector<uint8_t>> datagrams;
    std::istringstream lines(test::fixture(relative));
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<uint8_t> bytes;
        for (std::size_t i = 0; i + 1 < line.size(); i += 2)
            bytes.push_back(static_cast<uint8_t>(std::stoul(line.substr(i, 2), nullptr, 16)));
        datagrams.push_back(bytes);
    }
    return datagrams;
}

// The handles of chain input in `nft -a list table inet ftnt_t`.
std::vector<uint64_t> listed_input_handles() {
    std::istringstream lines(test::fixture("kernel-6.18/nftrace/ruleset.txt"));
    std::string line;
    std::vector<uint64_t> handles;
    bool in_input = false;
    std::smatch m;
    while (std::getline(lines, line)) {
        if (line.find("chain ") != std::string::npos) {
            in_input = line.find("chain input ") != std::string::npos;
            continue;
        }
        if (in_input && std::regex_search(line, m, std::regex(R"(# handle (\d+)$)")))
            handles.push_back(std::stoull(m[1]));
    }
    return handles;
}

TEST(NftRuleDump, RequestAsksForOneChain) {
    auto request = rule_dump_request(NFPROTO_INET, "ftnt_t", "input", 7);
    auto messages = netlink_messages(request.bytes());
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].type, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE);
    EXPECT_EQ(messages[0].flags, NLM_F_REQUEST | NLM_F_DUMP);
    EXPECT_EQ(messages[0].seq, 7u);
    ASSERT_GE(messages[0].payload.size(), 4u);
    EXPECT_EQ(messages[0].payload[0], NFPROTO_INET);
    EXPECT_EQ(messages[0].payload[1], NFNETLINK_V0);
    auto attributes = NetlinkAttributes::parse(messages[0].payload.subspan(4));
    ASSERT_TRUE(attributes);
    EXPECT_EQ(string_of(*attributes->find(NFTA_RULE_TABLE), 256), "ftnt_t");
    EXPECT_EQ(string_of(*attributes->find(NFTA_RULE_CHAIN), 256), "input");
}

TEST(NftRuleDump, RecordedReplyGivesTheListedHandles) {
    auto expected = listed_input_handles();
    ASSERT_EQ(expected, (std::vector<uint64_t>{5, 6})) << "the recorded listing";
    std::vector<uint64_t> handles;
    auto progress = DumpProgress::more;
    for (const auto& datagram : hex_lines("kernel-6.18/nftrace/getrule_dump_inet_ftnt_t_input.hex"))
        if (progress == DumpProgress::more)
            progress = collect_rule_handles(datagram, kRecordedSeq, "ftnt_t", "input", handles);
    EXPECT_EQ(progress, DumpProgress::done);
    EXPECT_EQ(handles, expected);
}

TEST(NftRuleDump, OtherSequenceAndOtherChainAreNotCounted) {
    std::vector<uint64_t> handles;
    for (const auto& datagram : hex_lines("kernel-6.18/nftrace/getrule_dump_inet_ftnt_t_input.hex"))
        EXPECT_EQ(collect_rule_handles(datagram, kRecordedSeq + 1, "ftnt_t", "input", handles),
                  DumpProgress::more);
    EXPECT_TRUE(handles.empty());
    for (const auto& datagram : hex_lines("kernel-6.18/nftrace/getrule_dump_inet_ftnt_t_input.hex"))
        collect_rule_handles(datagram, kRecordedSeq, "ftnt_t", "sub", handles);
    EXPECT_TRUE(handles.empty()) << "a kernel that ignored the filter: rules of input, not sub";
}

std::vector<uint8_t> rule(uint32_t seq, uint64_t handle, uint16_t flags = NLM_F_MULTI) {
    return NetlinkMessageBuilder((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE, flags, seq)
        .family_header(NFPROTO_INET)
        .string(NFTA_RULE_TABLE, "t")
        .string(NFTA_RULE_CHAIN, "c")
        .be64(NFTA_RULE_HANDLE, handle)
        .build();
}

TEST(NftRuleDump, ErrorAndInterruptedDumpFail) {
    std::vector<uint64_t> handles;
    auto error = NetlinkMessageBuilder(NLMSG_ERROR, 0, 3).family_header(0xfe).build();
    EXPECT_EQ(collect_rule_handles(error, 3, "t", "c", handles), DumpProgress::failed);
    auto interrupted = rule(3, 9, NLM_F_MULTI | NLM_F_DUMP_INTR);
    EXPECT_EQ(collect_rule_handles(interrupted, 3, "t", "c", handles), DumpProgress::failed);
    auto datagram = rule(3, 10);
    auto done = NetlinkMessageBuilder(NLMSG_DONE, NLM_F_MULTI, 3).family_header(0).build();
    datagram.insert(datagram.end(), done.begin(), done.end());
    EXPECT_EQ(collect_rule_handles(datagram, 3, "t", "c", handles), DumpProgress::done);
    EXPECT_EQ(handles, (std::vector<uint64_t>{10}));
}

TEST(NftRuleDump, MalformedRuleIsNotCounted) {
    std::vector<uint64_t> handles;
    auto short_handle = NetlinkMessageBuilder((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE, 0, 3)
                            .family_header(NFPROTO_INET)
                            .string(NFTA_RULE_TABLE, "t")
                            .string(NFTA_RULE_CHAIN, "c")
                            .be32(NFTA_RULE_HANDLE, 4)
                            .build();
    EXPECT_EQ(collect_rule_handles(short_handle, 3, "t", "c", handles), DumpProgress::more);
    auto overflow = rule(3, 11);
    test::set_u16(overflow, overflow.size() - 12, 13);  // the handle runs past the message
    EXPECT_EQ(collect_rule_handles(overflow, 3, "t", "c", handles), DumpProgress::more);
    EXPECT_TRUE(handles.empty());
}

}  // namespace
}  // namespace ftnt::netfilter
