// -w's output stage: drops and path events become pcapng packets (bytes, interface, time,
// comment) beside the run's own JSON, read back by tshark.
#include "output/pcapng_output.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include "live/support/tshark.h"
#include "unit/output/captured_sink.h"

namespace ftnt {
namespace {

constexpr int64_t kOffset = 1'765'000'000'000'000'000;  // CLOCK_MONOTONIC -> REALTIME

// IPv4 UDP 192.0.2.1:7299 -> 192.0.2.2:7203, 4 bytes of payload (32 in all).
CapturedPacket udp_bytes(bool ethernet) {
    CapturedPacket p;
    if (ethernet) p.bytes = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    std::vector<uint8_t> ip = {0x45, 0,    0, 32, 0, 1,   0,   0,   64,  17,   0,
                               0,    192,  0, 2,  1, 192, 0,   2,   2,   0x1c, 0x83,
                               0x1c, 0x23, 0, 12, 0, 0,   'a', 'b', 'c', 'd'};
    p.bytes.insert(p.bytes.end(), ip.begin(), ip.end());
    p.ethernet = ethernet;
    p.original_length = static_cast<uint32_t>(p.bytes.size());
    return p;
}

class PcapngOutputTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!test::tshark_available())
            GTEST_SKIP() << "tshark is not installed (scripts/install-deps)";
        char name[] = "/tmp/ftnt-pcapng-out-XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        dir_ = name;
        path_ = dir_ + "/out.pcapng";
    }
    void TearDown() override {
        if (!dir_.empty()) std::system(("rm -rf '" + dir_ + "'").c_str());
    }
    std::unique_ptr<PcapngOutput> output(uint32_t snaplen = 0) {
        return std::make_unique<PcapngOutput>(make_output(OutputFormat::json, sink_.sink, {}),
                                              pcapng::File(path_), PcapngOptions{snaplen, kOffset});
    }
    test::TsharkRead read() {
        return test::tshark_fields(
            path_, {"frame.interface_name", "frame.time_epoch", "frame.cap_len", "frame.len",
                    "ip.src", "udp.dstport", "frame.comment", "frame.protocols"});
    }
    std::string dir_, path_;
    CapturedSink sink_;
};

TEST_F(PcapngOutputTest, ADropIsOnePacketWithReasonLocationAndSkb) {
    DropEvent e;
    e.time_ns = 5'000'000'001;
    e.skb = 0xffff888003a1c000;
    e.bytes = udp_bytes(true);
    e.dev = "ftnt1b";
    e.netns = 4026532290u;
    DropView v;
    v.event = &e;
    v.reason = "NO_SOCKET";
    v.location = "__udp4_lib_rcv+0x6b1/0xb50";
    auto out = output();
    out->drop(v);
    OutputEnd end;
    out->finish(end);
    EXPECT_EQ(end.notes, std::vector<std::string>{"-w " + path_ + ": 1 packets on 1 interfaces"});
    EXPECT_EQ(end.exit_code, 0);
    out.reset();
    EXPECT_NE(sink_.str().find("\"type\":\"drop\""), std::string::npos);  // the JSON still written
    auto r = read();
    ASSERT_EQ(r.status, 0) << r.text;
    ASSERT_EQ(r.rows.size(), 1u) << r.text;
    const auto& row = r.rows[0];
    ASSERT_EQ(row.size(), 8u);
    EXPECT_EQ(row[0], "ftnt1b netns 4026532290");
    EXPECT_EQ(row[1], "1765000005.000000001");
    EXPECT_EQ(row[2], "46");
    EXPECT_EQ(row[4], "192.0.2.1");
    EXPECT_EQ(row[5], "7203");
    EXPECT_EQ(row[7], "eth:ethertype:ip:udp:data");
    EXPECT_EQ(test::comment_value(row[6], "func"), "skb:kfree_skb");
    EXPECT_EQ(test::comment_value(row[6], "reason"), "NO_SOCKET");
    EXPECT_EQ(test::comment_value(row[6], "location"), "__udp4_lib_rcv+0x6b1/0xb50");
    EXPECT_EQ(test::comment_value(row[6], "skb"), "0xffff888003a1c000");
}

TEST_F(PcapngOutputTest, PathEventsGetOneInterfaceEachAndRawIpBytes) {
    Lifecycle life;
    PathEvent rcv, in_b, freed;
    rcv.func = "ip_rcv";
    rcv.dev = "ftnt1b";
    rcv.netns = 11;
    rcv.skb = 0x1000;
    rcv.time_ns = 1;
    rcv.bytes = udp_bytes(false);
    in_b = rcv;
    in_b.func = "nft_do_chain";
    in_b.dev = "ftnt1a";
    in_b.netns = 12;
    freed.func = "skb:kfree_skb";  // a tracepoint: no bytes
    freed.dev = "";
    freed.skb = 0x1000;
    freed.reason = "NETFILTER_DROP";
    freed.time_ns = 3;
    std::vector<PathEventView> views(3);
    views[0].event = &rcv;
    views[1].event = &in_b;
    views[2].event = &freed;
    views[2].location = "nf_hook_slow+0xa3/0x140";
    auto out = output();
    out->packet(life, views);
    OutputEnd end;
    out->finish(end);
    ASSERT_EQ(end.notes.size(), 1u);
    EXPECT_EQ(end.notes[0], "-w " + path_ + ": 3 packets on 3 interfaces, 1 of them without bytes");
    out.reset();
    auto r = read();
    ASSERT_EQ(r.status, 0) << r.text;
    ASSERT_EQ(r.rows.size(), 3u) << r.text;
    EXPECT_EQ(r.rows[0][0], "ftnt1b netns 11");
    EXPECT_EQ(r.rows[1][0], "ftnt1a netns 12");
    EXPECT_EQ(r.rows[2][0], "(no device)");
    EXPECT_EQ(r.rows[0][7], "raw:ip:udp:data");
    EXPECT_EQ(r.rows[0][2], "32");
    EXPECT_EQ(test::comment_value(r.rows[0][6], "func"), "ip_rcv");
    EXPECT_EQ(test::comment_value(r.rows[0][6], "skb"), "0x1000");
    EXPECT_EQ(r.rows[2][2], "0");
    EXPECT_EQ(test::comment_value(r.rows[2][6], "func"), "skb:kfree_skb");
    EXPECT_EQ(test::comment_value(r.rows[2][6], "reason"), "NETFILTER_DROP");
    EXPECT_EQ(test::comment_value(r.rows[2][6], "location"), "nf_hook_slow+0xa3/0x140");
}

TEST_F(PcapngOutputTest, SnaplenCutsThePacketNotItsLength) {
    PathEvent e;
    e.func = "ip_rcv";
    e.dev = "lo";
    e.bytes = udp_bytes(false);
    PathEventView v;
    v.event = &e;
    auto out = output(24);
    out->path_event(v);
    out.reset();
    auto r = read();
    ASSERT_EQ(r.rows.size(), 1u) << r.text;
    EXPECT_EQ(r.rows[0][2], "24");
    EXPECT_EQ(r.rows[0][3], "32");
}

TEST_F(PcapngOutputTest, TheFileIsCompleteAtEachFlush) {
    PathEvent e;
    e.func = "ip_rcv";
    e.bytes = udp_bytes(false);
    PathEventView v;
    v.event = &e;
    auto out = output();
    out->path_event(v);
    out->flush();  // the run's flush: tshark reads the file while the output still lives
    auto r = read();
    EXPECT_EQ(r.status, 0) << r.text;
    EXPECT_EQ(r.rows.size(), 1u) << r.text;
}

}  // namespace
}  // namespace ftnt
