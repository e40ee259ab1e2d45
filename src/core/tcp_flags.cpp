#include "core/tcp_flags.h"

namespace ftnt {
namespace {

struct Flag {
    uint8_t bit;
    char letter;
    const char* name;
};

// The one order.
constexpr Flag kFlags[] = {{kTcpSyn, 'S', "SYN"}, {kTcpFin, 'F', "FIN"}, {kTcpRst, 'R', "RST"},
                           {kTcpPsh, 'P', "PSH"}, {kTcpAck, 'A', "ACK"}, {kTcpUrg, 'U', "URG"},
                           {kTcpEce, 'E', "ECE"}, {kTcpCwr, 'W', "CWR"}};

}  // namespace

std::string tcp_flag_names(uint8_t bits) {
    std::string out;
    for (const auto& flag : kFlags) {
        if (!(bits & flag.bit)) continue;
        if (!out.empty()) out += ' ';
        out += flag.name;
    }
    return out;
}

std::string tcp_flag_letters(uint8_t bits) {
    std::string out;
    for (const auto& flag : kFlags)
        if (bits & flag.bit) out += flag.letter;
    return out;
}

std::optional<uint8_t> tcp_flag_bit(std::string_view name) {
    for (const auto& flag : kFlags)
        if (name == flag.name) return flag.bit;
    return std::nullopt;
}

std::optional<uint8_t> tcp_flag_bit(char letter) {
    for (const auto& flag : kFlags)
        if (letter == flag.letter) return flag.bit;
    return std::nullopt;
}

}  // namespace ftnt
