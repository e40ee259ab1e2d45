#include "plan/fetchargs.h"

#include <gtest/gtest.h>

#include "core/errors.h"

namespace ftnt {
namespace {

// Offsets of the 6.1 guest kernel's BTF (sk_buff.data at 208, len at 112, dev at 16 ...).
SkbLayout debian61() {
    SkbLayout l;
    l.len.byte_offset = 112;
    l.data.byte_offset = 208;
    l.dev.byte_offset = 16;
    l.protocol.byte_offset = 180;
    l.pkt_type = {128, 0, 3, 0};
    l.sk.byte_offset = 24;
    l.dev_ifindex.byte_offset = 216;
    l.dev_name.byte_offset = 0;
    l.dev_net.byte_offset = 1280;
    l.net_inum.byte_offset = 144;
    return l;
}

TEST(Fetchargs, NetworkLayerPoint) {
    filters::ProbeFilter filter;
    filter.fields.push_back({"s4", filters::FieldNeed::From::Data, 12, 4});
    auto args = build_fetchargs({"$arg1", filters::Layer::L3}, debian61(), filter);
    EXPECT_EQ(args,
              "skb=$arg1:x64 len=+112($arg1):u32 proto=+180($arg1):u16 pkt_type=+128($arg1):b3@0/8 "
              "ifindex=+216(+16($arg1)):s32 netns=+144(+1280(+16($arg1))):u32 "
              "dev=+0(+16($arg1)):string devp=+16($arg1):x64 hdr=+0(+208($arg1)):x32[24] "
              "s4=+12(+208($arg1)):u32");
}

TEST(Fetchargs, TransportLayerWindowAndSkbHeldInAStruct) {
    auto args = build_fetchargs({"+0($arg1)", filters::Layer::L4}, debian61(), {});
    EXPECT_NE(args.find("skb=+0($arg1):x64"), std::string::npos) << args;
    EXPECT_NE(args.find("hdr=-40(+208(+0($arg1))):x32[24]"), std::string::npos) << args;
}

TEST(Fetchargs, ArgumentsAreArgN) {
    EXPECT_EQ(argument_fetcharg(1), "$arg1");
    EXPECT_EQ(argument_fetcharg(3), "$arg3");
    EXPECT_EQ(argument_fetcharg(6), "$arg6");
    EXPECT_THROW(argument_fetcharg(7), UsageError);
}

}  // namespace
}  // namespace ftnt
