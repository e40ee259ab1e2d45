// DWARF struct offsets checked against the compiler itself: the test builds a small program
// with gcc -g whose structs have the shapes the kernel's have (anonymous unions, nested
// members, a bitfield), runs it to print offsetof(), and reads the same ELF's DWARF.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/errors.h"
#include "discover/kernel_types.h"

namespace ftnt {
namespace {

constexpr const char* kProgram = R"(#include <stddef.h>
#include <stdio.h>
struct net { int pad[44]; struct { unsigned int inum; } ns; };
struct net_device { char name[16]; int pad[3]; struct { struct net *net; } nd_net; int ifindex; };
struct sk_buff {
    union { struct { struct sk_buff *next, *prev; }; int rb; };
    struct net_device *dev;
    char cb[48];
    unsigned int len;
    unsigned char flags : 5, pkt_type : 3;
    unsigned short protocol;
    unsigned char *data;
};
enum skb_drop_reason_subsys { SKB_DROP_REASON_SUBSYS_CORE, SKB_DROP_REASON_SUBSYS_X = 5 };
int probe_me(int a, struct sk_buff *skb) { return a + (int)skb->len; }
int main(void) {
    struct sk_buff s = {0};
    enum skb_drop_reason_subsys e = SKB_DROP_REASON_SUBSYS_X;
    printf("%zu %zu %zu %zu %zu %zu %zu\n", offsetof(struct sk_buff, prev),
           offsetof(struct sk_buff, len), offsetof(struct sk_buff, protocol),
           offsetof(struct sk_buff, data), offsetof(struct sk_buff, dev),
           offsetof(struct net_device, nd_net.net), offsetof(struct net, ns.inum));
    return probe_me(e, &s) > 100;
}
)";

class DwarfTypesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char pattern[] = "/tmp/ftnt-dwarf-XXXXXX";
        dir_ = ::mkdtemp(pattern);
        std::ofstream(dir_ + "/p.c") << kProgram;
        std::string build = "gcc -g -O0 -o " + dir_ + "/p " + dir_ + "/p.c";
        ASSERT_EQ(std::system(build.c_str()), 0);
        FILE* run = ::popen((dir_ + "/p").c_str(), "r");
        char line[256] = {};
        ASSERT_TRUE(std::fgets(line, sizeof line, run));
        ::pclose(run);
        std::istringstream(line) >> prev_ >> len_ >> protocol_ >> data_ >> dev_ >> net_ >> inum_;
        types_ = KernelTypes::load_dwarf(dir_ + "/p");
    }
    void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

    std::string dir_;
    unsigned prev_ = 0, len_ = 0, protocol_ = 0, data_ = 0, dev_ = 0, net_ = 0, inum_ = 0;
    std::unique_ptr<KernelTypes> types_;
};

TEST_F(DwarfTypesTest, MemberOffsetsEqualOffsetof) {
    EXPECT_EQ(types_->member("sk_buff", "prev")->byte_offset, prev_);  // anonymous union/struct
    EXPECT_EQ(types_->member("sk_buff", "len")->byte_offset, len_);
    EXPECT_EQ(types_->member("sk_buff", "len")->size, 4u);
    EXPECT_EQ(types_->member("sk_buff", "protocol")->byte_offset, protocol_);
    EXPECT_EQ(types_->member("sk_buff", "data")->byte_offset, data_);
    EXPECT_EQ(types_->member("sk_buff", "dev")->byte_offset, dev_);
    EXPECT_EQ(types_->member("net_device", "nd_net.net")->byte_offset, net_);
    EXPECT_EQ(types_->member("net", "ns.inum")->byte_offset, inum_);
    EXPECT_FALSE(types_->member("sk_buff", "no_such_member"));
}

TEST_F(DwarfTypesTest, BitfieldsPrototypesAndEnums) {
    auto pkt_type = types_->member("sk_buff", "pkt_type");
    ASSERT_TRUE(pkt_type);
    EXPECT_EQ(pkt_type->bit_size, 3u);
    EXPECT_EQ(pkt_type->byte_offset * 8 + pkt_type->bit_offset, len_ * 8 + 32 + 5);
    EXPECT_EQ(types_->pointer_param("probe_me", "sk_buff"), 1);
    EXPECT_TRUE(types_->has_function("probe_me"));
    auto subsystems = types_->enum_values("skb_drop_reason_subsys");
    EXPECT_EQ(subsystems[5], "SKB_DROP_REASON_SUBSYS_X");
}

TEST(DwarfTypes, FileWithoutDebugInfoIsRefused) {
    EXPECT_THROW(KernelTypes::load_dwarf("/bin/true"), KernelError);
}

}  // namespace
}  // namespace ftnt
