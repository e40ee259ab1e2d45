#include "plan/follow_plan.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

PathProbe kprobe(const std::string& name, const std::string& filter,
                 const std::string& lifecycle = "") {
    PathProbe p;
    p.name = name;
    p.kprobe.event = name;
    p.kprobe.function = name;
    p.filter = filter;
    p.lifecycle = lifecycle;
    return p;
}

PathProbe tracepoint(const std::string& name) {
    PathProbe p;
    p.name = name;
    p.tracepoint = true;
    p.lifecycle = "free";
    return p;
}

FollowInput input() {
    FollowInput in;
    in.group = "ftnettrace_42";
    in.extra_filter = "pkt_len >= 100";
    in.mark_entries = 4096;
    in.kfree_skb_reason = true;
    return in;
}

TEST(FollowPlan, EntriesMarkFreesMatchOnce) {
    std::vector<PathProbe> probes = {kprobe("ip_rcv", "daddr == 0x01c6a8c0"),
                                     kprobe("skb_clone", "", "clone"),
                                     kprobe("kfree_skbmem", "", "free"),
                                     tracepoint("skb:consume_skb"), tracepoint("skb:kfree_skb")};
    auto plan = plan_follow(probes, input());
    ASSERT_EQ(plan.synthetics.size(), 4u);
    EXPECT_EQ(plan.synthetics[0].name, "ftnettrace_42_mark");
    EXPECT_EQ(plan.synthetics[0].fields, "u64 skb");
    EXPECT_EQ(plan.synthetics[1].name, "ftnettrace_42_free_kfree_skbmem");
    EXPECT_EQ(plan.synthetics[1].point, "kfree_skbmem");
    EXPECT_EQ(plan.synthetics[3].name, "ftnettrace_42_free_kfree_skb");
    EXPECT_EQ(plan.synthetics[3].fields, "u64 skb; u64 age_ns; u64 ns; u64 location; u32 reason");

    ASSERT_EQ(plan.triggers.size(), 5u);
    EXPECT_EQ(plan.triggers[0].system, "synthetic");
    EXPECT_EQ(plan.triggers[0].event, "ftnettrace_42_mark");
    EXPECT_EQ(plan.triggers[0].text, "hist:keys=skb:ts0=common_timestamp:size=4096:clock=mono");
    EXPECT_EQ(plan.triggers[1].system, "ftnettrace_42");
    EXPECT_EQ(plan.triggers[1].event, "ip_rcv");
    EXPECT_EQ(plan.triggers[1].text,
              "hist:keys=common_cpu:t=common_timestamp:size=128:clock=mono:onchange($t).trace("
              "ftnettrace_42_"
              "mark,skb)"
              " if (daddr == 0x01c6a8c0) && (pkt_len >= 100)");
    EXPECT_EQ(plan.triggers[2].text,
              "hist:keys=skb:age=common_timestamp-$ts0:now=common_timestamp:size=4096:clock=mono:"
              "onmatch(synthetic."
              "ftnettrace_42_mark).trace(ftnettrace_42_free_kfree_skbmem,skb,$age,$now)");
    EXPECT_EQ(plan.triggers[3].system, "skb");
    EXPECT_EQ(plan.triggers[3].event, "consume_skb");
    EXPECT_EQ(
        plan.triggers[3].text,
        "hist:keys=skbaddr:age=common_timestamp-$ts0:now=common_timestamp:size=4096:clock=mono:"
        "onmatch(synthetic."
        "ftnettrace_42_mark).trace(ftnettrace_42_free_consume_skb,skbaddr,$age,$now)");
    EXPECT_EQ(
        plan.triggers[4].text,
        "hist:keys=skbaddr:age=common_timestamp-$ts0:now=common_timestamp:size=4096:clock=mono:"
        "onmatch(synthetic."
        "ftnettrace_42_mark).trace(ftnettrace_42_free_kfree_skb,skbaddr,$age,$now,location,"
        "reason)");
    EXPECT_EQ(plan.in_kernel,
              (std::set<std::string>{"kfree_skbmem", "skb:consume_skb", "skb:kfree_skb"}));
}

TEST(FollowPlan, KfreeSkbWithoutReasonBefore517) {
    auto in = input();
    in.kfree_skb_reason = false;
    auto plan = plan_follow({kprobe("ip_rcv", "daddr == 1"), tracepoint("skb:kfree_skb")}, in);
    ASSERT_EQ(plan.synthetics.size(), 2u);
    EXPECT_EQ(plan.synthetics[1].fields, "u64 skb; u64 age_ns; u64 ns; u64 location");
    EXPECT_TRUE(plan.triggers.back().text.ends_with(",skbaddr,$age,$now,location)"));
}

TEST(FollowPlan, NothingFilteredInTheKernelNothingToFollow) {
    auto plan = plan_follow({kprobe("ip_rcv", ""), kprobe("kfree_skbmem", "", "free")}, input());
    EXPECT_TRUE(plan.empty());
    EXPECT_TRUE(plan.in_kernel.empty());
}

TEST(FollowPlan, AnEntryWithoutItsOwnFilterMarksEveryPacket) {
    auto in = input();
    in.extra_filter = "";
    auto plan = plan_follow({kprobe("ip_rcv", "daddr == 1"), kprobe("dev_queue_xmit", ""),
                             kprobe("kfree_skbmem", "", "free")},
                            in);
    ASSERT_EQ(plan.triggers.size(), 4u);
    EXPECT_EQ(plan.triggers[2].text,
              "hist:keys=common_cpu:t=common_timestamp:size=128:clock=mono:onchange($t).trace("
              "ftnettrace_42_"
              "mark,skb)");
}

TEST(FollowPlan, AClonedMarkedSkbMarksItsClone) {
    auto clone = kprobe("skb_clone", "", "clone");
    clone.kretprobe = KprobeSpec{"skb_clone_ret", "skb_clone", "ret=$retval:x64", true};
    auto in = input();
    in.extra_filter = "";
    auto plan = plan_follow({kprobe("ip_rcv", "daddr == 1"), clone}, in);
    EXPECT_TRUE(plan.empty());  // no free point: nothing would end the followed packet
    plan = plan_follow({kprobe("ip_rcv", "daddr == 1"), clone, kprobe("kfree_skbmem", "", "free")},
                       in);
    ASSERT_EQ(plan.synthetics.size(), 4u);
    EXPECT_EQ(plan.synthetics[1].name, "ftnettrace_42_cloning");
    EXPECT_EQ(plan.synthetics[1].point, "");
    EXPECT_EQ(plan.synthetics[2].name, "ftnettrace_42_cloned");
    EXPECT_EQ(plan.synthetics[2].fields, "u64 skb; u64 clone; u64 ns");
    EXPECT_EQ(plan.synthetics[2].point, "skb_clone");
    std::vector<std::string> texts;
    for (const auto& t : plan.triggers) texts.push_back(t.system + ":" + t.event + " " + t.text);
    std::vector<std::string> expected = {
        "synthetic:ftnettrace_42_mark hist:keys=skb:ts0=common_timestamp:size=4096:clock=mono",
        "synthetic:ftnettrace_42_cloning "
        "hist:keys=common_cpu:orig=skb:p=common_timestamp:size=128:clock=mono",
        "ftnettrace_42:ip_rcv "
        "hist:keys=common_cpu:t=common_timestamp:size=128:clock=mono:onchange($t).trace("
        "ftnettrace_42_mark,skb) if daddr == 1",
        "ftnettrace_42:skb_clone hist:keys=skb:onmatch(synthetic.ftnettrace_42_mark).trace("
        "ftnettrace_42_cloning,skb,$ts0)",
        "ftnettrace_42:skb_clone_ret "
        "hist:keys=common_cpu:d=common_timestamp-$p:now=common_timestamp:size=128:clock=mono:"
        "onmatch("
        "synthetic.ftnettrace_42_cloning).trace(ftnettrace_42_cloned,$orig,ret,$now)",
        "synthetic:ftnettrace_42_cloned "
        "hist:keys=common_cpu:t=common_timestamp:size=128:clock=mono:onchange($t)."
        "trace(ftnettrace_42_mark,clone)",
        "ftnettrace_42:kfree_skbmem "
        "hist:keys=skb:age=common_timestamp-$ts0:now=common_timestamp:size=4096:clock=mono:"
        "onmatch(synthetic.ftnettrace_42_mark).trace(ftnettrace_42_free_kfree_skbmem,skb,$age,$"
        "now)",
    };
    EXPECT_EQ(texts, expected);
    EXPECT_EQ(plan.in_kernel, (std::set<std::string>{"skb_clone", "kfree_skbmem"}));
}

}  // namespace
}  // namespace ftnt
