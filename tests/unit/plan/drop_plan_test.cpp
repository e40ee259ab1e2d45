#include "plan/drop_plan.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

struct Kernel {
    EventFormats formats;
    DropReasonTable reasons;
    explicit Kernel(const std::string& name) {
        reasons = DropReasonTable::from_event(
            formats.parse(test::fixture(name + "/skb_kfree_skb.format"), "skb"));
    }
};

std::string filter_for(const Kernel& k, DropRunOptions o) {
    ProtocolSelection selection;
    return drop_filter(o, k.reasons, selection);
}

TEST(DropFilter, ReasonNamesBecomeThisKernelsNumbers) {
    Kernel k618("kernel-6.18"), k61("kernel-6.1");
    DropRunOptions o;
    o.reasons = "NO_SOCKET,netfilter_drop";
    EXPECT_EQ(filter_for(k618, o), "reason == 3 || reason == 12");
    auto on61 = filter_for(k61, o);
    EXPECT_NE(on61, "reason == 3 || reason == 12");
    EXPECT_EQ(on61.substr(0, 12), "reason == 2 ");
}

// Found by FuzzCommandLine (seed 192236688993914): `--exclude-reason` with 10 kB of 'a'
// echoed the whole value. The unknown name is shown cut and escaped, the kernel's names after.
TEST(DropFilter, AnUnknownReasonIsEchoedShortAndPrintable) {
    Kernel k("kernel-6.18");
    DropRunOptions o;
    o.exclude_reasons = "\x1b[2J" + std::string(10'000, 'a');
    try {
        filter_for(k, o);
        FAIL() << "an unknown reason was taken";
    } catch (const UsageError& e) {
        std::string first(e.what());
        first.resize(first.find('\n'));
        EXPECT_LT(first.size(), 120u) << first;
        EXPECT_TRUE(first.starts_with("--exclude-reason: unknown drop reason '\\x1b[2Jaaaa"))
            << first;
        EXPECT_EQ(first.find('\x1b'), std::string::npos) << first;
    }
}

TEST(DropFilter, ExcludeAndProtocolCombine) {
    Kernel k("kernel-6.18");
    DropRunOptions o;
    o.exclude_reasons = "NOT_SPECIFIED";
    o.filter.proto = "ipv6";
    EXPECT_EQ(filter_for(k, o), "(reason != 2) && (protocol == 34525)");
}

TEST(DropFilter, NoFlagsNoFilter) {
    Kernel k("kernel-6.18");
    EXPECT_EQ(filter_for(k, DropRunOptions{}), "");
}

TEST(DropFilter, TransportLetsIpThroughAndDecidesOnTheTuple) {
    Kernel k("kernel-6.18");
    DropRunOptions o;
    o.filter.proto = "udp";
    ProtocolSelection selection;
    EXPECT_EQ(drop_filter(o, k.reasons, selection), "protocol == 2048 || protocol == 34525");
    PacketTuple udp;
    udp.l4 = "UDP";
    PacketTuple tcp;
    tcp.l4 = "TCP";
    EXPECT_TRUE(selection.passes(0x0800, udp));
    EXPECT_FALSE(selection.passes(0x0800, tcp));
    EXPECT_FALSE(selection.passes(0x0800, std::nullopt));
}

TEST(DropFilter, UnknownReasonListsThisKernelsNames) {
    Kernel k("kernel-6.18");
    DropRunOptions o;
    o.reasons = "NO_SUCH_REASON";
    try {
        filter_for(k, o);
        FAIL() << "accepted";
    } catch (const UsageError& e) {
        std::string text = e.what();
        EXPECT_NE(text.find("unknown drop reason 'NO_SUCH_REASON'"), std::string::npos);
        EXPECT_NE(text.find("RECURSION_LIMIT"), std::string::npos);
    }
}

TEST(DropFilter, ReasonFlagOnAKernelWithoutReasonsIsAnError) {
    Kernel k("kernel-5.10");
    DropRunOptions o;
    o.reasons = "NO_SOCKET";
    EXPECT_THROW(filter_for(k, o), UsageError);
}

// A join whose tuples are of another transport than --proto names cannot let a drop through:
// it is not enabled (for `-p tcp` the UDP storm's icmp:icmp_send events are never made).
TEST(DropJoins, AJoinOfAnotherTransportIsLeftOut) {
    TupleSourceSpec icmp_send{
        "icmp:icmp_send", "drop-join.def:22", "skbaddr", "packet", "UDP", "ulen"};
    TupleSourceSpec no_l4{"x:y", "mine.def:1", "skbaddr", "packet", "", ""};
    ProtocolSelection tcp{{}, {"TCP"}};
    ProtocolSelection udp{{}, {"UDP"}};
    ProtocolSelection tcp_or_ipv4{{0x0800}, {"TCP"}};
    EXPECT_FALSE(join_can_pass(icmp_send, tcp));
    EXPECT_TRUE(join_can_pass(icmp_send, udp));
    EXPECT_TRUE(join_can_pass(icmp_send, ProtocolSelection{}));
    // An IPv4 drop passes -p tcp,ipv4 by its ethertype: its tuple is still shown.
    EXPECT_TRUE(join_can_pass(icmp_send, tcp_or_ipv4));
    EXPECT_TRUE(join_can_pass(no_l4, tcp));
}

}  // namespace
}  // namespace ftnt
