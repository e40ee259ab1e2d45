// The pcapng blocks -w writes, checked byte by byte against the format's layout
// (draft-ietf-opsawg-pcapng: block type, total length at both ends, 32-bit padding, options),
// and read back by tshark, Wireshark's own reader.
#include "output/pcapng_writer.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/errors.h"
#include "live/support/tshark.h"

namespace ftnt::pcapng {
namespace {

uint32_t u32_at(const std::string& b, std::size_t at) {
    uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}
uint16_t u16_at(const std::string& b, std::size_t at) {
    uint16_t v;
    std::memcpy(&v, b.data() + at, 2);
    return v;
}

// Every block: a multiple of 4 bytes whose length is written first and last.
void expect_framed(const std::string& block, uint32_t type) {
    ASSERT_GE(block.size(), 12u);
    EXPECT_EQ(block.size() % 4, 0u);
    EXPECT_EQ(u32_at(block, 0), type);
    EXPECT_EQ(u32_at(block, 4), block.size());
    EXPECT_EQ(u32_at(block, block.size() - 4), block.size());
}

// An IPv4 UDP datagram 192.0.2.1:7299 -> 192.0.2.2:7203 with 4 bytes of payload.
std::vector<uint8_t> udp_packet() {
    return {0x45, 0, 0, 32, 0,    1,    0,    0,    64, 17, 0, 0, 192, 0,   2,   1,
            192,  0, 2, 2,  0x1c, 0x83, 0x1c, 0x23, 0,  12, 0, 0, 'a', 'b', 'c', 'd'};
}

std::string temp_dir() {
    char name[] = "/tmp/ftnt-pcapng-XXXXXX";
    return ::mkdtemp(name) ? name : "";
}

TEST(PcapngBlocks, SectionHeaderHasTheMagicVersionAndUnknownLength) {
    auto b = section_header("ftnettrace 0.1.0");
    expect_framed(b, 0x0A0D0D0A);
    EXPECT_EQ(u32_at(b, 8), 0x1A2B3C4Du);
    EXPECT_EQ(u16_at(b, 12), 1);
    EXPECT_EQ(u16_at(b, 14), 0);
    int64_t length;
    std::memcpy(&length, b.data() + 16, 8);
    EXPECT_EQ(length, -1);
    // shb_userappl (4), 16 bytes, then opt_endofopt: 8 + 16 + 16 + 4 + 4 + 4.
    EXPECT_EQ(u16_at(b, 24), 4);
    EXPECT_EQ(u16_at(b, 26), 16);
    EXPECT_EQ(b.substr(28, 16), "ftnettrace 0.1.0");
    EXPECT_EQ(u32_at(b, 44), 0u);
    EXPECT_EQ(b.size(), 52u);
}

TEST(PcapngBlocks, InterfaceDescriptionHasLinkTypeSnaplenNameAndNanoseconds) {
    auto b = interface_description(kLinkRaw, 200, "veth0 netns 1");  // 13 bytes: 3 of padding
    expect_framed(b, 1);
    EXPECT_EQ(u16_at(b, 8), 101);
    EXPECT_EQ(u16_at(b, 10), 0);
    EXPECT_EQ(u32_at(b, 12), 200u);
    EXPECT_EQ(u16_at(b, 16), 2);  // if_name
    EXPECT_EQ(u16_at(b, 18), 13);
    EXPECT_EQ(b.substr(20, 13), "veth0 netns 1");
    EXPECT_EQ(b.substr(33, 3), std::string(3, '\0'));
    EXPECT_EQ(u16_at(b, 36), 9);  // if_tsresol: one byte, 10^-9
    EXPECT_EQ(u16_at(b, 38), 1);
    EXPECT_EQ(b[40], 9);
    EXPECT_EQ(u32_at(b, 44), 0u);  // opt_endofopt
    EXPECT_EQ(b.size(), 52u);
}

TEST(PcapngBlocks, EnhancedPacketPadsDataAndCarriesTheComment) {
    std::vector<uint8_t> data = {1, 2, 3, 4, 5};
    uint64_t time = 0x0123456789abcdefull;
    auto b = enhanced_packet(3, time, data, 60, "func=ip_rcv");
    expect_framed(b, 6);
    EXPECT_EQ(u32_at(b, 8), 3u);
    EXPECT_EQ(u32_at(b, 12), 0x01234567u);
    EXPECT_EQ(u32_at(b, 16), 0x89abcdefu);
    EXPECT_EQ(u32_at(b, 20), 5u);   // captured
    EXPECT_EQ(u32_at(b, 24), 60u);  // original
    EXPECT_EQ(b.substr(28, 8), std::string("\1\2\3\4\5\0\0\0", 8));
    EXPECT_EQ(u16_at(b, 36), 1);  // opt_comment
    EXPECT_EQ(u16_at(b, 38), 11);
    EXPECT_EQ(b.substr(40, 11), "func=ip_rcv");
    EXPECT_EQ(u32_at(b, 52), 0u);
    EXPECT_EQ(b.size(), 60u);
}

TEST(PcapngBlocks, EnhancedPacketWithoutBytesOrCommentIsTheBareBlock) {
    auto b = enhanced_packet(0, 1, {}, 0, "");
    expect_framed(b, 6);
    EXPECT_EQ(u32_at(b, 20), 0u);
    EXPECT_EQ(b.size(), 32u);
}

TEST(PcapngBlocks, OriginalLengthIsNeverBelowTheCapturedOne) {
    std::vector<uint8_t> data(8, 0);
    EXPECT_EQ(u32_at(enhanced_packet(0, 0, data, 0, ""), 24), 8u);
}

TEST(PcapngBlocks, AnInterfaceNameFromTheKernelIsEscaped) {
    auto b = interface_description(kLinkRaw, 0, std::string("e\xff\n1", 4));
    EXPECT_EQ(u16_at(b, 18), 10);
    EXPECT_EQ(b.substr(20, 10), "e\\xff\\x0a1");
}

TEST(PcapngFileTest, ARefusedSymlinkFifoAndAModeOf0600) {
    auto dir = temp_dir();
    ASSERT_FALSE(dir.empty());
    std::string target = dir + "/target", link = dir + "/link", fifo = dir + "/fifo";
    { std::ofstream(target) << "keep"; }
    ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    EXPECT_THROW(File{link}, UsageError);
    EXPECT_THROW(File{fifo}, UsageError);
    std::ifstream kept(target);
    std::string text;
    kept >> text;
    EXPECT_EQ(text, "keep");  // the symlink's target untouched
    {
        File made(dir + "/new.pcapng");
        made.append(section_header("t"));
        EXPECT_TRUE(made.flush());
    }
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/new.pcapng").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(st.st_size, 40);
    std::system(("rm -rf '" + dir + "'").c_str());
}

TEST(PcapngFileTest, TsharkReadsEveryPacketWithItsInterfaceTimeAndComment) {
    if (!test::tshark_available()) GTEST_SKIP() << "tshark is not installed (scripts/install-deps)";
    auto dir = temp_dir();
    std::string path = dir + "/read.pcapng";
    auto packet = udp_packet();
    std::vector<uint8_t> ethernet = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    ethernet.insert(ethernet.end(), packet.begin(), packet.end());
    {
        File file(path);
        file.append(section_header("ftnettrace test"));
        file.append(interface_description(kLinkRaw, 0, "veth0 netns 4026531840"));
        file.append(interface_description(kLinkEthernet, 64, "eth1"));
        file.append(enhanced_packet(0, 1'765'000'000'123'456'789ull, packet, 32,
                                    "func=udp_rcv; reason=NO_SOCKET"));
        file.append(enhanced_packet(1, 1'765'000'001'000'000'001ull, ethernet, 46, "func=b"));
        file.append(enhanced_packet(0, 1'765'000'002'000'000'000ull, {}, 0, "func=skb:kfree_skb"));
        ASSERT_TRUE(file.flush());
    }
    auto read =
        test::tshark_fields(path, {"frame.interface_name", "frame.time_epoch", "frame.cap_len",
                                   "ip.src", "ip.dst", "udp.dstport", "eth.src", "frame.comment"});
    ASSERT_EQ(read.status, 0) << read.text;
    ASSERT_EQ(read.rows.size(), 3u) << read.text;
    for (const auto& row : read.rows) ASSERT_EQ(row.size(), 8u) << read.text;
    EXPECT_EQ(read.rows[0], (std::vector<std::string>{
                                "veth0 netns 4026531840", "1765000000.123456789", "32", "192.0.2.1",
                                "192.0.2.2", "7203", "", "func=udp_rcv; reason=NO_SOCKET"}));
    EXPECT_EQ(read.rows[1][0], "eth1");
    EXPECT_EQ(read.rows[1][2], "46");
    EXPECT_EQ(read.rows[1][3], "192.0.2.1");
    EXPECT_EQ(read.rows[1][6], "02:00:00:00:00:01");
    EXPECT_EQ(read.rows[2][2], "0");
    EXPECT_EQ(read.rows[2][7], "func=skb:kfree_skb");
    // -T json too, parsed: the raw link type and the comment tshark found.
    auto json = nlohmann::json::parse(test::tshark_output("-r '" + path + "' -T json").text);
    ASSERT_TRUE(json.is_array());
    ASSERT_EQ(json.size(), 3u);
    const auto& layers = json[0]["_source"]["layers"];
    EXPECT_EQ(layers["frame"]["frame.protocols"], "raw:ip:udp:data");
    EXPECT_EQ(layers["pkt_comment"]["frame.comment"], "func=udp_rcv; reason=NO_SOCKET");
    EXPECT_EQ(json[1]["_source"]["layers"]["frame"]["frame.protocols"],
              "eth:ethertype:ip:udp:data");
    std::system(("rm -rf '" + dir + "'").c_str());
}

}  // namespace
}  // namespace ftnt::pcapng
