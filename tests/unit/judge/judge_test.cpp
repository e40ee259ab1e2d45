// The judge on packets shaped as this host's 6.18 kernel recorded them (tracepoints only:
// tests/live/diag_live_test.cpp's closed-port runs): the tuple comes from tcp:tcp_send_reset,
// the reason from skb:kfree_skb, which carries no headers.
#include "judge/judge.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace ftnt {
namespace {

constexpr uint64_t kTcpV4Rcv = 0xffffffff81000000ull;

AddressNamer no_debug_namer() {
    symbolize::DebugInfoOptions none;
    none.vmlinux = none.notes_path = "/nonexistent";
    none.modules_root = none.debug_root = none.sys_module_root = "/nonexistent";
    return AddressNamer(
        symbolize::Kallsyms::parse("ffffffff81000000 T tcp_v4_rcv\nffffffff81001000 T next\n"),
        none);
}

RuleBase shipped_rules() {
    RuleBase base;
    base.load_directory(FTNT_CATALOG, false);
    return base;
}

// The rules of one file of the user's own, mine.def.
RuleBase rules_from(const char* text) {
    RuleBase base;
    base.load_text(text, "mine.def");
    return base;
}

PathEvent event(const std::string& func, uint64_t time_ns) {
    PathEvent e;
    e.func = func;
    e.skb = 0xff00;
    e.time_ns = time_ns;
    return e;
}

// 192.0.2.<from>:sport -> 192.0.2.<to>:dport
PathEvent with_tuple(PathEvent e, const char* l4, uint8_t from, uint16_t sport, uint8_t to,
                     uint16_t dport) {
    PacketDetails details;
    details.tuple.family = 4;
    details.tuple.saddr[0] = 192, details.tuple.saddr[2] = 2, details.tuple.saddr[3] = from;
    details.tuple.daddr[0] = 192, details.tuple.daddr[2] = 2, details.tuple.daddr[3] = to;
    details.tuple.has_ports = true;
    details.tuple.sport = sport;
    details.tuple.dport = dport;
    details.tuple.l4 = l4;
    e.packet = details;
    return e;
}

// As recorded: the reset's own addresses, 192.0.2.2:7001 -> 192.0.2.1:41872, for the SYN
// 192.0.2.1:41872 -> 192.0.2.2:7001 (the catalog's `addresses = reply`).
PathEvent reset_for_syn_to_7001() {
    return with_tuple(event("tcp:tcp_send_reset", 2), "TCP", 2, 7001, 1, 41872);
}

const std::set<std::string> kReplyPoints = {"tcp:tcp_send_reset"};

PathEvent drop(const std::string& reason, uint64_t time_ns) {
    auto e = event("skb:kfree_skb", time_ns);
    e.reason = reason;
    e.location = kTcpV4Rcv + 0x91;
    e.frees_skb = true;
    return e;
}

Lifecycle packet(std::vector<PathEvent> events) {
    Lifecycle lifecycle;
    lifecycle.first_skb = 0xff00;
    lifecycle.events = std::move(events);
    return lifecycle;
}

TEST(Judge, ClosedTcpPortIsAnErrorNamingThePortFromTheResetsTuple) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer, kReplyPoints);
    auto diagnosis = judge.judge(
        packet({event("net:netif_receive_skb", 1), reset_for_syn_to_7001(), drop("NO_SOCKET", 3)}));
    ASSERT_EQ(diagnosis.findings.size(), 2u);
    EXPECT_EQ(diagnosis.findings[0].rule, "reset-sent");
    EXPECT_EQ(diagnosis.findings[0].level, DiagLevel::Warn);
    const auto& closed = diagnosis.findings[1];
    EXPECT_EQ(closed.rule, "tcp-port-closed");  // not the fallback kernel-drop as well
    EXPECT_EQ(closed.level, DiagLevel::Error);
    EXPECT_EQ(closed.where, "skb:kfree_skb");
    EXPECT_EQ(closed.location, "tcp_v4_rcv+0x91");
    EXPECT_EQ(closed.reason, "NO_SOCKET");
    EXPECT_TRUE(closed.message.starts_with("nothing listens on TCP port 7001 at 192.0.2.2:"))
        << closed.message;
    EXPECT_TRUE(closed.advice.starts_with("start the service on port 7001")) << closed.advice;
    EXPECT_EQ(diagnosis.worst(), DiagLevel::Error);
    EXPECT_TRUE(diagnosis.abnormal());
}

TEST(Judge, ClosedUdpPortOnTracepointsIsKnownByTheIcmpErrorBeforeTheFree) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer, kReplyPoints);
    // icmp:icmp_send names the datagram's own addresses and says nothing of the protocol.
    auto diagnosis = judge.judge(packet(
        {event("net:netif_receive_skb", 1),
         with_tuple(event("icmp:icmp_send", 2), "", 1, 40000, 2, 7002), drop("NO_SOCKET", 3)}));
    ASSERT_EQ(diagnosis.findings.size(), 1u);
    EXPECT_EQ(diagnosis.findings[0].rule, "udp-port-closed-icmp");
    EXPECT_TRUE(
        diagnosis.findings[0].message.starts_with("nothing listens on UDP port 7002 at 192.0.2.2:"))
        << diagnosis.findings[0].message;
    // Without the ICMP error (and no headers), only the reason's words.
    auto bare = judge.judge(packet({event("net:netif_receive_skb", 1), drop("NO_SOCKET", 3)}));
    ASSERT_EQ(bare.findings.size(), 1u);
    EXPECT_EQ(bare.findings[0].rule, "kernel-drop");
}

TEST(Judge, ADropNoRuleNamesGetsItsReasonsWordsOrTheGenericLine) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto known = judge.judge(packet({drop("IP_INHDR", 1)}));
    ASSERT_EQ(known.findings.size(), 1u);
    EXPECT_EQ(known.findings[0].rule, "kernel-drop");
    EXPECT_EQ(known.findings[0].message, rules.words_for("IP_INHDR").message);
    EXPECT_EQ(known.findings[0].level, DiagLevel::Error);
    // A reason that is also normal operation (IPv6 multicast nobody joined) is a warning.
    auto normal = judge.judge(packet({drop("NOT_SPECIFIED", 1)}));
    ASSERT_EQ(normal.findings.size(), 1u);
    EXPECT_EQ(normal.findings[0].level, DiagLevel::Warn);
    auto unknown = judge.judge(packet({drop("WARP_CORE_BREACH", 1)}));
    ASSERT_EQ(unknown.findings.size(), 1u);
    EXPECT_EQ(unknown.findings[0].message, rules.words_for("WARP_CORE_BREACH").message);
}

TEST(Judge, ANormalPacketHasNoFinding) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto diagnosis =
        judge.judge(packet({event("net:net_dev_queue", 1), event("net:netif_receive_skb", 2),
                            event("skb:consume_skb", 3)}));
    EXPECT_TRUE(diagnosis.findings.empty());
    EXPECT_FALSE(diagnosis.abnormal());
}

TEST(Judge, PassedAndNotPassedReadThePacketSoFar) {
    auto rules = rules_from(
        "[rule forwarded-then-dropped]\nat = skb:kfree_skb\npassed = ip_forward\n"
        "level = error\nmessage = dropped after forwarding ({reason})\n"
        "[rule dropped-before-ip]\nat = skb:kfree_skb\nnot_passed = ip_rcv\n"
        "level = warn\nmessage = dropped before IP\n");
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto forwarded = judge.judge(
        packet({event("ip_rcv", 1), event("ip_forward", 2), drop("NETFILTER_DROP", 3)}));
    ASSERT_EQ(forwarded.findings.size(), 1u);
    EXPECT_EQ(forwarded.findings[0].message, "dropped after forwarding (NETFILTER_DROP)");
    auto early = judge.judge(packet({event("net:netif_receive_skb", 1), drop("XDP", 2)}));
    ASSERT_EQ(early.findings.size(), 1u);
    EXPECT_EQ(early.findings[0].rule, "dropped-before-ip");
}

// As 6.18 showed a ping with TTL 1 through a forwarding namespace (kernel tracer, instance
// of our own): icmp_send type=11 code=0 for the skb, then kfree_skb IP_INHDR at ip_forward.
PathEvent icmp_sent(int type, int code) {
    auto e = with_tuple(event("icmp:icmp_send", 2), "", 1, 0, 7, 0);
    e.extra = {{"type", std::to_string(type)}, {"code", std::to_string(code)}};
    return e;
}

TEST(Judge, TtlExpiredIsKnownByTheTimeExceededTheKernelSentNotByTheReason) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto expired = judge.judge(
        packet({event("net:netif_receive_skb", 1), icmp_sent(11, 0), drop("IP_INHDR", 3)}));
    ASSERT_EQ(expired.findings.size(), 1u);  // not the bad-header words as well
    EXPECT_EQ(expired.findings[0].rule, "ttl-expired");
    EXPECT_EQ(expired.findings[0].level, DiagLevel::Error);
    EXPECT_TRUE(expired.findings[0].message.starts_with(
        "the packet's TTL ran out on its way to 192.0.2.7: this host would have forwarded it, "
        "dropped it instead and sent ICMP time exceeded to 192.0.2.1"))
        << expired.findings[0].message;
    // Parameter problem (12) for the same reason is a bad header, not a TTL.
    auto header = judge.judge(
        packet({event("net:netif_receive_skb", 1), icmp_sent(12, 0), drop("IP_INHDR", 3)}));
    ASSERT_EQ(header.findings.size(), 1u);
    EXPECT_EQ(header.findings[0].rule, "kernel-drop");
    // Fragment reassembly time exceeded (11/1) is no TTL either.
    auto reassembly = judge.judge(packet({icmp_sent(11, 1), drop("FRAG_REASM_TIMEOUT", 3)}));
    ASSERT_EQ(reassembly.findings.size(), 1u);
    EXPECT_EQ(reassembly.findings[0].rule, "kernel-drop");
}

TEST(Judge, PassedWhenReadsThePassedPointsOwnFields) {
    auto rules = rules_from(
        "[rule big]\nat = skb:kfree_skb\npassed = icmp:icmp_send\n"
        "passed_when = field.type == 3 and field.code == 4\nlevel = warn\nmessage = too big\n");
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    EXPECT_EQ(judge.judge(packet({icmp_sent(3, 4), drop("PKT_TOO_BIG", 3)})).findings.size(), 1u);
    EXPECT_TRUE(judge.judge(packet({icmp_sent(3, 1), drop("NEIGH_FAILED", 3)})).findings.empty());
    // The drop's own fields do not count: only the passed point's.
    auto drop_with_fields = drop("PKT_TOO_BIG", 3);
    drop_with_fields.extra = {{"type", "3"}, {"code", "4"}};
    EXPECT_TRUE(judge.judge(packet({icmp_sent(3, 1), drop_with_fields})).findings.empty());
}

TEST(Judge, APlaceholderThePacketLacksReadsItsFallbackText) {
    auto rules = rules_from(
        "[rule r]\nat = skb:kfree_skb\nlevel = error\n"
        "message = no route for {daddr|the destination} port {dport}\n");
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto bare = judge.judge(packet({drop("IP_INNOROUTES", 1)}));
    ASSERT_EQ(bare.findings.size(), 1u);
    EXPECT_EQ(bare.findings[0].message, "no route for the destination port ?");
    auto known = judge.judge(
        packet({with_tuple(event("icmp:icmp_send", 1), "", 1, 0, 2, 0), drop("IP_INNOROUTES", 2)}));
    EXPECT_EQ(known.findings[0].message, "no route for 192.0.2.2 port 0");
}

TEST(Judge, TheFirewallPlaceholderNamesTheDroppingStep) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto lifecycle = packet({drop("NETFILTER_DROP", 1)});
    auto without = judge.judge(lifecycle);
    ASSERT_EQ(without.findings.size(), 1u);
    EXPECT_EQ(without.findings[0].message,
              "a netfilter rule dropped the packet: which rule is not known (--iptables-trace "
              "names it where its steps join the packet's path: kernels with kprobes)");
    netfilter::TraceStep step;
    step.backend = "iptables-legacy";
    step.table = "filter";
    step.chain = "ftnettrace_user";
    step.kind = "rule";
    step.rule = 1;
    step.verdict = "DROP";
    step.rule_text = "-A ftnettrace_user -p tcp --dport 7003 -j DROP";
    lifecycle.firewall.push_back(step);
    auto with = judge.judge(lifecycle);
    EXPECT_EQ(with.findings[0].message,
              "a netfilter rule dropped the packet: iptables-legacy filter:ftnettrace_user rule 1: "
              "-A ftnettrace_user -p tcp --dport 7003 -j DROP");
}

// A ping dropped in filter INPUT as the 6.1 guest recorded it with --hooks (README): the
// finding at the free names ipt_do_table, the hook whose table said DROP; a run that does
// not trace ipt_do_table's return names it as the pass's one untraced hook.
TEST(Judge, ANetfilterDropBlamesTheHookThatReturnedDrop) {
    auto rules = shipped_rules();
    symbolize::DebugInfoOptions none;
    none.vmlinux = none.notes_path = "/nonexistent";
    none.modules_root = none.debug_root = none.sys_module_root = "/nonexistent";
    AddressNamer namer(symbolize::Kallsyms::parse("ffffffffc0a01000 t ipt_do_table\t[ip_tables]\n"
                                                  "ffffffffc0a02000 t ipt_next\t[ip_tables]\n"),
                       none);
    auto pass = event("nf_hook_slow", 1);
    pass.decode = DecodeAs::NfHook;
    pass.retval = -1;
    pass.extra = {{"pf", "2"},
                  {"hook", "1"},
                  {"hook_count", "1"},
                  {"hook_start", "0"},
                  {"hook_fn0", std::to_string(0xffffffffc0a01000ull)}};
    auto table = event("ipt_do_table", 2);
    table.decode = DecodeAs::XtTable;
    table.retval = 0;
    table.extra = {{"table", "filter"}, {"hook", "1"}, {"pf", "2"}};
    auto lifecycle = packet({pass, table, drop("NETFILTER_DROP", 3)});
    Judge traced(rules, namer);
    traced.blame_hooks_with({{"ipt_do_table", "ipt_do_table"}});
    auto found = traced.judge(lifecycle);
    ASSERT_EQ(found.findings.size(), 1u);
    EXPECT_EQ(found.findings[0].rule, "firewall-drop");
    EXPECT_EQ(found.findings[0].blame, "ipt_do_table (2.filter.INPUT.DROP)");
    Judge untraced(rules, namer);
    auto without = untraced.judge(packet({pass, drop("NETFILTER_DROP", 3)}));
    ASSERT_EQ(without.findings.size(), 1u);
    EXPECT_EQ(without.findings[0].blame,
              "ipt_do_table (the one hook of this pass whose verdict is not traced)");
    // Other drops blame no hook.
    EXPECT_EQ(traced.judge(packet({drop("NO_SOCKET", 3)})).findings[0].blame, "");
}

TEST(Judge, RulesAtPointsTheRunDoesNotTraceAreIdle) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto idle = judge.idle_rules({"skb:kfree_skb", "tcp:tcp_send_reset"});
    EXPECT_EQ(idle,
              (std::vector<std::string>{"udp-port-closed-icmp", "ttl-expired", "ttl-expired-kprobe",
                                        "interface-down", "tc-ingress-drop", "nat", "forwarded"}));
}

// As the 5.10 guest traced a datagram a tc ingress filter dropped
// (DiagGuest.ATcIngressDropNamesTheFilter): tcf_classify_ingress returned TC_ACT_SHOT (2),
// then a free without a reason (5.10 has none). A classifier that let it pass returns 0.
TEST(Judge, ATcIngressShotIsTheFilterNotAnUnnamedDrop) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto classified = with_tuple(event("tcf_classify_ingress", 1), "UDP", 1, 40000, 2, 7150);
    classified.dev = "ftnt123b";
    classified.retval = 2;
    auto freed = drop("", 2);
    freed.reason.reset();
    auto shot = judge.judge(packet({classified, freed}));
    ASSERT_EQ(shot.findings.size(), 1u);
    EXPECT_EQ(shot.findings[0].rule, "tc-ingress-drop");
    EXPECT_EQ(shot.findings[0].level, DiagLevel::Error);
    EXPECT_TRUE(shot.findings[0].message.starts_with(
        "a tc filter on the ingress of ftnt123b dropped the packet"))
        << shot.findings[0].message;
    EXPECT_TRUE(shot.findings[0].advice.starts_with("`tc -s filter show dev ftnt123b ingress`"))
        << shot.findings[0].advice;
    classified.retval = 0;
    auto passed = judge.judge(packet({classified, freed}));
    ASSERT_EQ(passed.findings.size(), 1u);
    EXPECT_EQ(passed.findings[0].rule, "kernel-drop");
}

// As the 6.1 guest traced a datagram to a veth whose peer was down
// (DiagGuest.APeerDownIsTheDownInterfaceNotAFullQueue): __dev_queue_xmit, noop_enqueue on the
// sending veth, then the free with QDISC_DROP. A full queue frees the same way, without
// noop_enqueue.
TEST(Judge, ANoopQdiscDropIsTheDownInterfaceNotAFullQueue) {
    auto rules = shipped_rules();
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto sent = with_tuple(event("__dev_queue_xmit", 1), "UDP", 1, 40000, 2, 7140);
    sent.dev = "ftnt123a";
    auto noop = event("noop_enqueue", 2);
    noop.dev = "ftnt123a";
    auto down = judge.judge(packet({sent, noop, drop("QDISC_DROP", 3)}));
    ASSERT_EQ(down.findings.size(), 1u);
    EXPECT_EQ(down.findings[0].rule, "interface-down");
    EXPECT_EQ(down.findings[0].level, DiagLevel::Error);
    EXPECT_TRUE(
        down.findings[0].message.starts_with("the interface ftnt123a is down or has no carrier"))
        << down.findings[0].message;
    EXPECT_TRUE(down.findings[0].advice.starts_with("bring the link up: `ip link show ftnt123a`"))
        << down.findings[0].advice;
    auto full = judge.judge(packet({sent, drop("QDISC_DROP", 3)}));
    ASSERT_EQ(full.findings.size(), 1u);
    EXPECT_EQ(full.findings[0].rule, "qdisc-drop");
}

TEST(Judge, APassedPlaceholderReadsTheLatestPassedEvent) {
    auto rules = rules_from(
        "[rule r]\nat = skb:kfree_skb\npassed = ip_forward\nlevel = info\n"
        "message = via {passed.dev|nowhere}, dropped at {dev|no device}\n");
    auto namer = no_debug_namer();
    Judge judge(rules, namer);
    auto first = event("ip_forward", 1), second = event("ip_forward", 2);
    first.dev = "ftnt1";
    second.dev = "ftnt2";
    auto diagnosis = judge.judge(packet({first, second, drop("IP_INHDR", 3)}));
    ASSERT_EQ(diagnosis.findings.size(), 1u);
    EXPECT_EQ(diagnosis.findings[0].message, "via ftnt2, dropped at no device");
    second.dev = "";
    EXPECT_EQ(judge.judge(packet({second, drop("IP_INHDR", 3)})).findings[0].message,
              "via nowhere, dropped at no device");
}

}  // namespace
}  // namespace ftnt
