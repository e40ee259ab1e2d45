// -w FILE with kprobes (the Debian guest): the packets of `--drop` and of path traces, read
// back by tshark inside the guest. Every packet the run showed is in the file in the same
// order, with the addresses and ports of the test's traffic and comments naming the point, the
// drop reason and location and the netfilter verdict the JSON output gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <set>

#include "guest_fixture.h"
#include "support/tshark.h"

namespace ftnt::test {
namespace {

std::string veth(char side) {
    return "ftnt" + std::to_string(::getpid() % 100000) + side;
}

std::string netns_inode(const std::string& ns) {
    auto text = shell_output("ip netns exec " + ns + " stat -L -c %i /proc/self/ns/net");
    return text.substr(0, text.find('\n'));
}

std::string mac_of(const std::string& ns, const std::string& dev) {
    auto text = shell_output("ip netns exec " + ns + " cat /sys/class/net/" + dev + "/address");
    return text.substr(0, text.find('\n'));
}

class PcapngGuest : public PathGuest {
  protected:
    void SetUp() override {
        PathGuest::SetUp();
        if (IsSkipped()) return;
        if (!tshark_available()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps)";
        char name[] = "/tmp/ftnt-pcapng-guest-XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        dir_ = name;
        file_ = dir_ + "/run.pcapng";
    }
    void TearDown() override {
        PathGuest::TearDown();
        if (!dir_.empty()) shell("rm -rf '" + dir_ + "'");
    }
    // The events of every packet shown, in the order they were written.
    static std::vector<nlohmann::json> all_events(const std::vector<nlohmann::json>& objects) {
        std::vector<nlohmann::json> out;
        for (const auto& p : packets(objects))
            for (const auto& e : events(p)) out.push_back(e);
        return out;
    }
    // Each row's comment says what the JSON record in the same place says.
    static void expect_comments_match(const TsharkRead& read,
                                      const std::vector<nlohmann::json>& records,
                                      std::size_t comment_column) {
        ASSERT_EQ(read.rows.size(), records.size()) << read.text;
        for (std::size_t i = 0; i < records.size(); ++i) {
            const auto& comment = read.rows[i].at(comment_column);
            const auto& r = records[i];
            EXPECT_EQ(comment_value(comment, "func"), r.value("func", "skb:kfree_skb")) << comment;
            auto text = [&](const char* key) {
                auto it = r.find(key);
                return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
            };
            // Before 5.17 a reason is inferred: "NO_SOCKET (inferred)" in the comment.
            if (!text("reason").empty()) {
                EXPECT_TRUE(comment_value(comment, "reason").starts_with(text("reason")))
                    << comment << " vs " << r.dump();
            }
            EXPECT_EQ(comment_value(comment, "verdict"), text("verdict")) << comment;
            EXPECT_EQ(comment_value(comment, "location"), text("location")) << comment;
            EXPECT_TRUE(comment_value(comment, "skb").starts_with("0x")) << comment;
        }
    }
    std::string dir_, file_;
};

const std::vector<std::string> kFields = {
    "frame.cap_len", "ip.src",    "ip.dst",  "udp.srcport",          "udp.dstport",  "tcp.dstport",
    "tcp.flags.syn", "icmp.type", "eth.src", "frame.interface_name", "frame.comment"};
enum Column {
    kCapLen,
    kSrc,
    kDst,
    kUdpSport,
    kUdpDport,
    kTcpDport,
    kSyn,
    kIcmpType,
    kEthSrc,
    kInterface,
    kComment
};

TEST_F(PcapngGuest, DropOfAClosedUdpPortIsWrittenWithItsBytesAndReason) {
    NetnsPair ns("pcudp");
    auto objects = run({"--drop", "-D", "7301", "-w", file_},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7301, 3, 7399); });
    auto drops = of_type(objects, "drop");
    auto read = tshark_fields(file_, kFields);
    ASSERT_EQ(read.status, 0) << read.text;
    expect_comments_match(read, drops, kComment);
    std::string interface = veth('b') + " netns " + netns_inode(ns.b());
    int ours = 0;
    for (const auto& row : read.rows) {
        if (row[kUdpDport] != "7301") continue;
        ++ours;
        EXPECT_EQ(row[kSrc], NetnsPair::kAddrA);
        EXPECT_EQ(row[kDst], NetnsPair::kAddrB);
        EXPECT_EQ(row[kUdpSport], "7399");
        EXPECT_EQ(row[kEthSrc], mac_of(ns.a(), veth('a')));  // LINKTYPE_ETHERNET: fetched
        EXPECT_EQ(row[kInterface], interface);
        // Before 5.17 the reason is inferred from the location: "NO_SOCKET (inferred)".
        EXPECT_TRUE(comment_value(row[kComment], "reason").starts_with("NO_SOCKET"))
            << row[kComment];
        EXPECT_TRUE(comment_value(row[kComment], "location").starts_with("__udp4_lib_rcv+0x"))
            << row[kComment];
    }
    EXPECT_EQ(ours, 3) << read.text << stderr_;
    EXPECT_NE(stderr_.find("-w " + file_ + ": " + std::to_string(drops.size()) + " packets"),
              std::string::npos)
        << stderr_;
}

TEST_F(PcapngGuest, DropOfASynToAClosedTcpPortIsWrittenWithItsBytes) {
    NetnsPair ns("pctcp");
    auto objects = run({"--drop", "-p", "tcp", "-D", "7302", "-w", file_},
                       [&] { tcp_connect(ns.a(), NetnsPair::kAddrB, 7302); });
    auto drops = of_type(objects, "drop");
    auto read = tshark_fields(file_, kFields);
    ASSERT_EQ(read.status, 0) << read.text;
    expect_comments_match(read, drops, kComment);
    int ours = 0;
    for (const auto& row : read.rows) {
        if (row[kTcpDport] != "7302") continue;
        ++ours;
        EXPECT_EQ(row[kSrc], NetnsPair::kAddrA);
        EXPECT_EQ(row[kDst], NetnsPair::kAddrB);
        EXPECT_EQ(row[kSyn], "1");
        // Before 5.17 the reason is inferred from the location: "NO_SOCKET (inferred)".
        EXPECT_TRUE(comment_value(row[kComment], "reason").starts_with("NO_SOCKET"))
            << row[kComment];
        EXPECT_TRUE(comment_value(row[kComment], "location").starts_with("tcp_v4_rcv+0x"))
            << row[kComment];
    }
    EXPECT_GE(ours, 1) << read.text << stderr_;
}

TEST_F(PcapngGuest, PathOfAPingIsWrittenEventByEvent) {
    NetnsPair ns("pcping");
    auto objects = run({"--addr", NetnsPair::kAddrA, "-p", "icmp", "-w", file_}, [&] {
        ASSERT_EQ(ns.run(ns.a(), "ping -c 1 -W 5 192.0.2.2 >/dev/null"), 0);
    });
    auto events = all_events(objects);
    auto read = tshark_fields(file_, kFields);
    ASSERT_EQ(read.status, 0) << read.text;
    expect_comments_match(read, events, kComment);
    bool request = false, reply = false;
    std::set<std::string> funcs_with_bytes;
    for (std::size_t i = 0; i < read.rows.size() && i < events.size(); ++i) {
        const auto& row = read.rows[i];
        if (row[kCapLen] == "0") continue;
        funcs_with_bytes.insert(events[i].value("func", ""));
        // Every packet with bytes is the test's ping, as the JSON event says.
        EXPECT_EQ(row[kSrc], events[i].value("saddr", "")) << row[kComment];
        EXPECT_EQ(row[kDst], events[i].value("daddr", "")) << row[kComment];
        request = request || (row[kIcmpType] == "8" && row[kSrc] == NetnsPair::kAddrA);
        reply = reply || (row[kIcmpType] == "0" && row[kSrc] == NetnsPair::kAddrB);
    }
    EXPECT_TRUE(request) << read.text << dump(objects);
    EXPECT_TRUE(reply) << read.text;
    EXPECT_TRUE(funcs_with_bytes.count("ip_rcv")) << read.text;
    EXPECT_TRUE(funcs_with_bytes.count("icmp_rcv")) << read.text;
}

TEST_F(PcapngGuest, DiagOfAnIptablesDropCarriesTheVerdictAndReason) {
    NetnsPair ns("pcdiag");
    ASSERT_EQ(ns.run(ns.b(), "iptables-legacy -A INPUT -p udp --dport 7303 -j DROP"), 0);
    auto objects = run({"--diag", "-D", "7303", "-w", file_},
                       [&] { udp_send(ns.a(), NetnsPair::kAddrB, 7303, 1, 7398); });
    auto events = all_events(objects);
    auto read = tshark_fields(file_, kFields);
    ASSERT_EQ(read.status, 0) << read.text;
    expect_comments_match(read, events, kComment);
    bool dropped = false, hook = false;
    for (const auto& row : read.rows) {
        if (row[kCapLen] != "0") {
            EXPECT_EQ(row[kUdpDport], "7303") << row[kComment];
            EXPECT_EQ(row[kUdpSport], "7398") << row[kComment];
        }
        dropped = dropped || comment_value(row[kComment], "reason").starts_with("NETFILTER_DROP");
        hook = hook || comment_value(row[kComment], "func") == "nf_hook_slow";
    }
    EXPECT_TRUE(dropped) << read.text << dump(objects) << stderr_;
    EXPECT_TRUE(hook) << read.text;
}

}  // namespace
}  // namespace ftnt::test
