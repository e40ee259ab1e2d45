// NFT_MSG_TRACE decoding: a built message with each attribute broken in turn (wrong size,
// wrong type, overflowing nest, missing required attribute: the message is skipped whole),
// and the datagrams the 6.18 host kernel sent for traced packets
// (tests/fixtures/kernel-6.18/nftrace, README there), compared with what `nft monitor trace`
// printed for the same packets.
#include "netfilter/nft_trace_message.h"

#include <gtest/gtest.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include <map>
#include <regex>
#include <sstream>
#include <vector>

#include "netfilter/nft_trace_decode.h"
#include "unit/fixture_file.h"
#include "unit/support/netlink_message_builder.h"
#include "unit/support/recorded_nftrace_message.h"

namespace ftnt::netfilter {
namespace {

using test::NetlinkMessageBuilder;

std::vector<NftTraceEvent> decoded(const std::vector<uint8_t>& datagram) {
    std::vector<NftTraceEvent> events;
    decode_nftrace_messages(datagram.data(), datagram.size(),
                            [&](const NftTraceEvent& e) { events.push_back(e); });
    return events;
}

TEST(NftraceMessages, BuiltMessageDecodes) {
    auto events = decoded(test::recorded_trace_message());
    ASSERT_EQ(events.size(), 1u);
    const auto& e = events[0];
    EXPECT_EQ(e.id, 0x1234abcdu);
    EXPECT_EQ(e.family, 1u);
    EXPECT_EQ(e.nfproto, 2u);
    EXPECT_EQ(e.table, "filter");
    EXPECT_EQ(e.chain, "input");
    EXPECT_EQ(e.type, static_cast<uint32_t>(NFT_TRACETYPE_RULE));
    EXPECT_EQ(e.handle, 4u);
    EXPECT_EQ(e.verdict, 0u);
    EXPECT_EQ(e.network_header.size(), 20u);
    EXPECT_EQ(e.transport_header.size(), 8u);
    EXPECT_FALSE(e.iif.empty());
}

// The message of recorded_trace_message() with `change` applied to a fresh builder.
template <typename Change>
std::vector<uint8_t> trace_message(Change change) {
    NetlinkMessageBuilder message((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE);
    message.family_header(1).be32(NFTA_TRACE_ID, 9).string(NFTA_TRACE_CHAIN, "input");
    change(message);
    return message.build();
}

TEST(NftraceMessages, RequiredAttributesMissingSkipTheMessage) {
    EXPECT_EQ(decoded(trace_message([](auto& m) { m.be32(NFTA_TRACE_TYPE, 1); })).size(), 1u);
    EXPECT_TRUE(decoded(trace_message([](auto&) {})).empty()) << "no NFTA_TRACE_TYPE";
    NetlinkMessageBuilder no_id((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE);
    no_id.family_header(1).be32(NFTA_TRACE_TYPE, 1);
    EXPECT_TRUE(decoded(no_id.build()).empty()) << "no NFTA_TRACE_ID";
}

TEST(NftraceMessages, WrongSizesSkipTheMessage) {
    auto policy = [](auto& m) { m.be32(NFTA_TRACE_TYPE, NFT_TRACETYPE_POLICY); };
    EXPECT_TRUE(decoded(trace_message([&](auto& m) { m.be16(NFTA_TRACE_TYPE, 1); })).empty());
    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    policy(m);
                    m.be32(NFTA_TRACE_RULE_HANDLE, 4);  // a u64
                })).empty());
    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    policy(m);
                    m.be64(NFTA_TRACE_IIF, 1);  // a u32
                })).empty());
    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    policy(m);
                    m.be32(NFTA_TRACE_IIFTYPE, 1);  // a u16
                })).empty());
    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    policy(m);
                    m.be32(NFTA_TRACE_TABLE, 0x41424344);  // a name without its NUL
                })).empty());
    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    policy(m);
                    m.string(NFTA_TRACE_TABLE, std::string(300, 't'));  // > NFT_NAME_MAXLEN
                })).empty());
}

TEST(NftraceMessages, BrokenVerdictNestSkipsTheMessage) {
    auto rule = [](auto& m) {
        m.be32(NFTA_TRACE_TYPE, NFT_TRACETYPE_RULE).be64(NFTA_TRACE_RULE_HANDLE, 3);
    };
    auto good = trace_message([&](auto& m) {
        rule(m);
        m.nest_begin(NFTA_TRACE_VERDICT)
            .be32(NFTA_VERDICT_CODE, static_cast<uint32_t>(NFT_JUMP))
            .string(NFTA_VERDICT_CHAIN, "uc")
            .nest_end();
    });
    auto events = decoded(good);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(nft_verdict_name(*events[0].verdict, events[0].jump_target), "jump uc");

    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    rule(m);
                    m.nest_begin(NFTA_TRACE_VERDICT).string(NFTA_VERDICT_CHAIN, "uc").nest_end();
                })).empty())
        << "a verdict without its code";
    EXPECT_TRUE(decoded(trace_message([&](auto& m) {
                    rule(m);
                    m.nest_begin(NFTA_TRACE_VERDICT).be16(NFTA_VERDICT_CODE, 1).nest_end();
                })).empty())
        << "a verdict code of 2 bytes";
    // The code's length runs past the nest (into the attribute after it).
    auto overflow = trace_message([&](auto& m) {
        rule(m);
        m.nest_begin(NFTA_TRACE_VERDICT).be32(NFTA_VERDICT_CODE, 0).nest_end();
        m.be32(NFTA_TRACE_MARK, 0);
    });
    std::size_t code = overflow.size() - 8 - 8;  // the code attribute, before the mark
    test::set_u16(overflow, code, 16);
    EXPECT_TRUE(decoded(overflow).empty());
}

TEST(NftraceMessages, OtherMessagesAndRuleStepsWithoutHandleAreSkipped) {
    NetlinkMessageBuilder other((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE);
    other.family_header(1).be32(NFTA_TRACE_ID, 9).be32(NFTA_TRACE_TYPE, 1);
    EXPECT_TRUE(decoded(other.build()).empty());
    EXPECT_TRUE(decoded(trace_message([](auto& m) {
                    m.be32(NFTA_TRACE_TYPE, NFT_TRACETYPE_RULE);
                })).empty());
    NetlinkMessageBuilder short_payload((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_TRACE);
    auto bytes = short_payload.build();  // no nfgenmsg
    EXPECT_TRUE(decoded(bytes).empty());
}

// libnftnl 1.2.4 ended the process on an empty header attribute (found by the fuzz suite,
// 2026-11-27); the kernel never sends one. It now decodes with no packet headers.
TEST(NftraceMessages, EmptyHeaderAttributeDecodesWithoutHeaders) {
    auto events = decoded(test::recorded_trace_message(0));
    ASSERT_EQ(events.size(), 1u);
    EXPECT_TRUE(events[0].transport_header.empty());
}

// --- the 6.18 kernel's datagrams ---

std::vector<std::vector<uint8_t>> recorded_datagrams() {
    std::vector<std::vector<uint8_t>> datagrams;
    std::istringstream lines(test::fixture("kernel-6.18/nftrace/trace_datagrams.hex"));
    std::string line;
    while (std::getline(lines, line)) {
        std::vector<uint8_t> bytes;
        for (std::size_t i = 0; i + 1 < line.size(); i += 2)
            bytes.push_back(static_cast<uint8_t>(std::stoul(line.substr(i, 2), nullptr, 16)));
        datagrams.push_back(bytes);
    }
    return datagrams;
}

// "rule TEXT # handle N" lines of `nft -a list table` for each chain.
std::map<std::string, uint64_t> handles_by_rule_text() {
    std::map<std::string, uint64_t> handles;
    std::istringstream lines(test::fixture("kernel-6.18/nftrace/ruleset.txt"));
    std::string line;
    std::regex rule(R"(^\s+(.*\S) # handle (\d+)$)");
    std::smatch m;
    while (std::getline(lines, line))
        if (std::regex_match(line, m, rule) && m[1].str().find('{') == std::string::npos)
            handles[m[1]] = std::stoull(m[2]);
    return handles;
}

struct Step {
    uint32_t id;
    std::string chain, kind, verdict;
    std::optional<uint64_t> handle;
    bool operator==(const Step&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Step& s) {
    return out << std::hex << s.id << std::dec << " " << s.chain << " " << s.kind << " "
               << s.verdict << " " << (s.handle ? std::to_string(*s.handle) : "-");
}

// nft monitor trace: "trace id ID inet ftnt_t CHAIN rule TEXT (verdict V)" and
// "... CHAIN policy V"; the rule's handle from the listing.
std::vector<Step> monitor_steps() {
    auto handles = handles_by_rule_text();
    std::vector<Step> steps;
    std::istringstream lines(test::fixture("kernel-6.18/nftrace/nft_monitor_trace.txt"));
    std::string line;
    std::regex rule(R"(^trace id ([0-9a-f]+) inet ftnt_t (\S+) rule (.*) \(verdict ([^)]+)\)$)");
    std::regex policy(R"(^trace id ([0-9a-f]+) inet ftnt_t (\S+) policy (\S+) ?$)");
    std::smatch m;
    while (std::getline(lines, line)) {
        if (std::regex_match(line, m, rule)) {
            // The listing prints counters as they are now; the monitor as they were then.
            auto text = std::regex_replace(m[3].str(), std::regex(" packets \\d+ bytes \\d+"), "");
            std::optional<uint64_t> handle;
            for (const auto& [listed, h] : handles)
                if (std::regex_replace(listed, std::regex(" packets \\d+ bytes \\d+"), "") == text)
                    handle = h;
            steps.push_back(
                {static_cast<uint32_t>(std::stoul(m[1], nullptr, 16)), m[2], "rule", m[4], handle});
        } else if (std::regex_match(line, m, policy)) {
            steps.push_back({static_cast<uint32_t>(std::stoul(m[1], nullptr, 16)), m[2], "policy",
                             m[3], std::nullopt});
        }
    }
    return steps;
}

TEST(NftraceKernel618, StepsAreThoseNftMonitorTracePrinted) {
    std::vector<Step> ours;
    for (const auto& datagram : recorded_datagrams())
        for (const auto& e : decoded(datagram)) {
            EXPECT_EQ(e.table, "ftnt_t");
            EXPECT_EQ(e.family, 1u);  // NFPROTO_INET
            bool policy = e.type == NFT_TRACETYPE_POLICY;
            ours.push_back({e.id, e.chain, policy ? "policy" : "rule",
                            nft_verdict_name(policy ? *e.policy : *e.verdict, e.jump_target),
                            e.handle});
        }
    auto oracle = monitor_steps();
    ASSERT_EQ(oracle.size(), 17u) << "the recorded monitor output";
    EXPECT_EQ(ours, oracle);
}

TEST(NftraceKernel618, HeadersGiveTheAddressesNftMonitorTracePrinted) {
    std::map<uint32_t, PacketInfo> packets;
    for (const auto& datagram : recorded_datagrams())
        for (const auto& e : decoded(datagram))
            if (!e.network_header.empty())
                decode_trace_headers(e.network_header, e.transport_header, packets[e.id]);
    std::istringstream lines(test::fixture("kernel-6.18/nftrace/nft_monitor_trace.txt"));
    std::string line;
    std::regex packet(R"(^trace id ([0-9a-f]+) .* packet: .* ip6? saddr (\S+) ip6? daddr (\S+) )");
    std::smatch m;
    int compared = 0;
    while (std::getline(lines, line)) {
        if (!std::regex_search(line, m, packet)) continue;
        auto id = static_cast<uint32_t>(std::stoul(m[1], nullptr, 16));
        if (!packets.contains(id)) continue;  // its first step, with the headers, was skipped
        const auto& info = packets[id];
        ASSERT_TRUE(info.tuple) << line;
        EXPECT_EQ(info.tuple->saddr_text(), m[2]) << line;
        EXPECT_EQ(info.tuple->daddr_text(), m[3]) << line;
        if (line.find("udp dport 9") != std::string::npos) {
            EXPECT_EQ(info.tuple->l4, "UDP");
            EXPECT_EQ(info.tuple->dport, 9);
        }
        if (line.find("icmp type echo-request") != std::string::npos) {
            EXPECT_EQ(info.icmp_type, line.find("icmpv6") != std::string::npos ? 128 : 8);
        }
        ++compared;
    }
    EXPECT_GE(compared, 6);
}

}  // namespace
}  // namespace ftnt::netfilter
