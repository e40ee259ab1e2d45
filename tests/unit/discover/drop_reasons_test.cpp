#include "discover/drop_reasons.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <sstream>

#include "decode/drop_event.h"
#include "discover/event_formats.h"
#include "unit/fixture_file.h"

namespace ftnt {
namespace {

struct KernelTable {
    EventFormats formats;
    tep_event* event = nullptr;
    DropReasonTable table;
    explicit KernelTable(const std::string& kernel) {
        event = formats.parse(test::fixture(kernel + "/skb_kfree_skb.format"), "skb");
        table = DropReasonTable::from_event(event);
    }
};

TEST(DropReasons, Kernel618NumbersComeFromItsFormatFile) {
    KernelTable k("kernel-6.18");
    ASSERT_TRUE(k.table.available());
    // 6.18 inserted SKB_NOT_DROPPED_YET and SKB_CONSUMED before NOT_SPECIFIED.
    EXPECT_EQ(k.table.value_of("NOT_SPECIFIED"), 2u);
    EXPECT_EQ(k.table.value_of("NO_SOCKET"), 3u);
    EXPECT_EQ(k.table.value_of("NETFILTER_DROP"), 12u);
    EXPECT_EQ(k.table.name_of(127), "RECURSION_LIMIT");
    EXPECT_EQ(k.table.size(), 127u);  // 2..128 with MAX
}

TEST(DropReasons, NamesAreMatchedWithoutCaseOrEnumPrefix) {
    KernelTable k("kernel-6.18");
    EXPECT_EQ(k.table.value_of("no_socket"), 3u);
    EXPECT_EQ(k.table.value_of("SKB_DROP_REASON_NO_SOCKET"), 3u);
    EXPECT_FALSE(k.table.value_of("NOT_A_REASON"));
}

TEST(DropReasons, SubsystemReasonsShowTheirSubsystem) {
    KernelTable k("kernel-6.18");
    EXPECT_EQ(k.table.name_of((2u << 16) | 5u), "SUBSYS_2:5");
    EXPECT_EQ(k.table.name_of(9999), "UNKNOWN_9999");
}

TEST(DropReasons, SubsystemNamesComeFromBtfEnumerators) {
    KernelTable k("kernel-6.18");
    // enum skb_drop_reason_subsys as the 6.18 host's BTF lists it.
    k.table.set_subsystem_names({{0, "SKB_DROP_REASON_SUBSYS_CORE"},
                                 {1, "SKB_DROP_REASON_SUBSYS_MAC80211_UNUSABLE"},
                                 {2, "SKB_DROP_REASON_SUBSYS_OPENVSWITCH"},
                                 {3, "SKB_DROP_REASON_SUBSYS_NUM"}});
    EXPECT_EQ(k.table.name_of((2u << 16) | 5u), "OPENVSWITCH:5");
    EXPECT_EQ(k.table.name_of((7u << 16) | 1u), "SUBSYS_7:1");
    EXPECT_EQ(k.table.name_of(3), "NO_SOCKET");
}

TEST(DropReasons, Kernel61NumbersDifferFrom618) {
    KernelTable k("kernel-6.1");
    ASSERT_TRUE(k.table.available());
    EXPECT_EQ(k.table.value_of("NOT_SPECIFIED"), 1u);
    EXPECT_EQ(k.table.value_of("NO_SOCKET"), 2u);
    EXPECT_NE(k.table.value_of("NETFILTER_DROP"), 12u);
    EXPECT_FALSE(k.table.value_of("RECURSION_LIMIT"));
}

TEST(DropReasons, Kernel612NumbersComeFromItsFormatFile) {
    KernelTable k("kernel-6.12");  // captured in the 6.12 guest
    ASSERT_TRUE(k.table.available());
    EXPECT_EQ(k.table.value_of("NOT_SPECIFIED"), 2u);
    EXPECT_EQ(k.table.value_of("NO_SOCKET"), 3u);
    EXPECT_EQ(k.table.value_of("NETFILTER_DROP"), 11u);  // 12 on 6.18
    EXPECT_EQ(k.table.size(), 103u);                     // 2..104 with MAX
    EXPECT_EQ(k.table.name_of((2u << 16) | 5u), "SUBSYS_2:5");
}

// Enumerators of a `pahole -C ENUM` listing in a fixture's btf-structs.txt.
std::map<int64_t, std::string> enum_of(const std::string& file, const std::string& name) {
    std::istringstream lines(test::fixture(file));
    std::map<int64_t, std::string> values;
    bool inside = false;
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("enum " + name + " {")) inside = true;
        if (!inside) continue;
        if (line.starts_with("};")) break;
        auto equals = line.find(" = ");
        if (equals == std::string::npos) continue;
        auto start = line.find_first_not_of(" \t");
        auto end = line.find_first_of(" \t", start);
        values[std::stoll(line.substr(equals + 3))] = line.substr(start, end - start);
    }
    return values;
}

TEST(DropReasons, Kernel612SubsystemNamesFromItsBtf) {
    KernelTable k("kernel-6.12");
    auto subsystems = enum_of("kernel-6.12/btf-structs.txt", "skb_drop_reason_subsys");
    ASSERT_EQ(subsystems.size(), 5u);
    k.table.set_subsystem_names(subsystems);
    // 6.12 has MAC80211_MONITOR at 2: OPENVSWITCH is 3 there (2 on 6.18).
    EXPECT_EQ(k.table.name_of((3u << 16) | 5u), "OPENVSWITCH:5");
    EXPECT_EQ(k.table.name_of((2u << 16) | 1u), "MAC80211_MONITOR:1");
    EXPECT_EQ(k.table.name_of(11), "NETFILTER_DROP");
}

TEST(DropReasons, Kernel517HasTheFirstReasonTable) {
    KernelTable k("kernel-5.17");
    ASSERT_TRUE(k.table.available());
    EXPECT_EQ(k.table.value_of("NOT_SPECIFIED"), 0u);
    EXPECT_EQ(k.table.value_of("NO_SOCKET"), 1u);
    EXPECT_EQ(k.table.value_of("SOCKET_FILTER"), 4u);
    EXPECT_FALSE(k.table.value_of("NETFILTER_DROP"));  // 5.18
    EXPECT_EQ(k.table.size(), 7u);
}

TEST(DropReasons, KernelWithoutReasonFieldHasNoTable) {
    KernelTable k("kernel-5.10");
    EXPECT_FALSE(k.table.available());
    EXPECT_EQ(k.table.size(), 0u);
    EXPECT_FALSE(DropDecoder(k.event).has_reason());
}

TEST(DropDecoder, ReadsFieldsAtTheFormatOffsets) {
    KernelTable k("kernel-6.18");
    // A kfree_skb record laid out as the 6.18 format file says (offsets 8, 16, 24, 32, 36).
    std::vector<uint8_t> raw(40, 0);
    uint64_t skb = 0xffff88810a4884e0, location = 0xffffffff82035bd1;
    uint16_t protocol = 0x0800;
    uint32_t reason = 3;
    std::memcpy(raw.data() + 8, &skb, 8);
    std::memcpy(raw.data() + 16, &location, 8);
    std::memcpy(raw.data() + 32, &protocol, 2);
    std::memcpy(raw.data() + 36, &reason, 4);
    DropEvent event;
    ASSERT_TRUE(DropDecoder(k.event).decode(raw, event));
    EXPECT_EQ(event.skb, skb);
    EXPECT_EQ(event.location, location);
    EXPECT_EQ(event.protocol, 0x0800);
    EXPECT_EQ(event.reason, 3u);
}

}  // namespace
}  // namespace ftnt
