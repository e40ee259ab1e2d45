#include "core/tcp_flags.h"

#include <gtest/gtest.h>

namespace ftnt {
namespace {

TEST(TcpFlags, NamesAndLettersInOneOrder) {
    EXPECT_EQ(tcp_flag_names(kTcpSyn | kTcpAck), "SYN ACK");
    EXPECT_EQ(tcp_flag_letters(kTcpSyn | kTcpAck), "SA");
    EXPECT_EQ(tcp_flag_names(kTcpFin | kTcpSyn), "SYN FIN");
    EXPECT_EQ(tcp_flag_names(0xff), "SYN FIN RST PSH ACK URG ECE CWR");
    EXPECT_EQ(tcp_flag_letters(0xff), "SFRPAUEW");
    EXPECT_EQ(tcp_flag_names(0), "");
    // Every combination: the letters are the names' first letters (CWR is W, as in tcpdump).
    for (int bits = 0; bits < 256; ++bits) {
        std::string initials;
        bool start = true;
        for (char c : tcp_flag_names(static_cast<uint8_t>(bits))) {
            if (start) initials += c == 'C' ? 'W' : c;
            start = c == ' ';
        }
        EXPECT_EQ(tcp_flag_letters(static_cast<uint8_t>(bits)), initials) << bits;
    }
}

TEST(TcpFlags, BitsOfNamesAndLetters) {
    EXPECT_EQ(tcp_flag_bit("RST"), std::optional<uint8_t>(kTcpRst));
    EXPECT_EQ(tcp_flag_bit('A'), std::optional<uint8_t>(kTcpAck));
    EXPECT_FALSE(tcp_flag_bit("URGP"));
    EXPECT_FALSE(tcp_flag_bit('x'));
}

}  // namespace
}  // namespace ftnt
