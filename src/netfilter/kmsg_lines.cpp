#include "netfilter/kmsg_lines.h"

#include "core/tcp_flags.h"

#include <charconv>
#include <vector>

namespace ftnt::netfilter {
namespace {

template <typename T>
bool to_number(std::string_view text, T& value, int base = 10) {
    if (text.empty()) return false;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return error == std::errc() && end == text.data() + text.size();
}

std::vector<std::string_view> split_spaces(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t at = 0;
    while (at < text.size()) {
        auto start = text.find_first_not_of(' ', at);
        if (start == std::string_view::npos) break;
        auto end = text.find(' ', start);
        if (end == std::string_view::npos) end = text.size();
        words.push_back(text.substr(start, end - start));
        at = end;
    }
    return words;
}

std::string upper_to_l4(std::string_view proto) {
    if (proto == "ICMPv6") return "ICMPv6";
    return std::string(proto);
}

}  // namespace

std::optional<KmsgRecord> parse_kmsg_record(std::string_view raw) {
    auto semicolon = raw.find(';');
    if (semicolon == std::string_view::npos) return std::nullopt;
    std::string_view header = raw.substr(0, semicolon);
    std::vector<std::string_view> fields;
    std::size_t at = 0;
    while (at <= header.size()) {
        auto comma = header.find(',', at);
        if (comma == std::string_view::npos) comma = header.size();
        fields.push_back(header.substr(at, comma - at));
        at = comma + 1;
    }
    KmsgRecord record;
    if (fields.size() < 3 || !to_number(fields[0], record.priority) ||
        !to_number(fields[1], record.sequence) || !to_number(fields[2], record.time_us))
        return std::nullopt;
    std::string_view message = raw.substr(semicolon + 1);
    message = message.substr(0, message.find('\n'));
    record.message = std::string(message);
    return record;
}

std::optional<PacketInfo> parse_log_body(std::string_view body) {
    PacketInfo info;
    // LEN= and ID= come twice (IP header, then UDP/ICMP): the transport's are after PROTO=.
    std::string_view proto, src, dst, sport, dport, type, code, ip_id, seq, ack, echo_id, echo_seq;
    bool seen_proto = false, seen_in = false;
    for (auto word : split_spaces(body)) {
        auto eq = word.find('=');
        if (eq == std::string_view::npos) {
            // TCP flags are bare words after the TCP fields: "SYN", "ACK", "RST"...
            if (seen_proto && proto == "TCP")
                if (auto bit = tcp_flag_bit(word)) info.tcp_flags |= *bit;
            continue;
        }
        auto key = word.substr(0, eq);
        auto value = word.substr(eq + 1);
        if (key == "IN") {
            info.in = value;
            seen_in = true;
        } else if (key == "OUT") {
            info.out = value;
        } else if (key == "SRC" && src.empty()) {
            src = value;
        } else if (key == "DST" && dst.empty()) {
            dst = value;
        } else if (key == "LEN" && !info.length) {
            to_number(value, info.length);
        } else if (key == "PROTO" && !seen_proto) {
            proto = value;
            seen_proto = true;
        } else if (seen_proto && key == "SPT" && sport.empty()) {
            sport = value;
        } else if (seen_proto && key == "DPT" && dport.empty()) {
            dport = value;
        } else if (seen_proto && key == "TYPE" && type.empty()) {
            type = value;
        } else if (seen_proto && key == "CODE" && code.empty()) {
            code = value;
        } else if (!seen_proto && key == "ID" && ip_id.empty()) {
            ip_id = value;
        } else if (seen_proto && proto == "TCP" && key == "SEQ" && seq.empty()) {
            seq = value;
        } else if (seen_proto && proto == "TCP" && key == "ACK" && ack.empty()) {
            ack = value;
        } else if (seen_proto && proto != "TCP" && key == "ID" && echo_id.empty()) {
            echo_id = value;
        } else if (seen_proto && proto != "TCP" && key == "SEQ" && echo_seq.empty()) {
            echo_seq = value;
        }
    }
    if (!seen_in || src.empty() || dst.empty()) return std::nullopt;
    auto s = filters::parse_address(std::string(src));
    auto d = filters::parse_address(std::string(dst));
    if (!s || !d || s->family != d->family) return std::nullopt;
    PacketTuple tuple;
    tuple.family = s->family;
    tuple.saddr = s->bytes;
    tuple.daddr = d->bytes;
    tuple.l4 = upper_to_l4(proto);
    if (!sport.empty() && !dport.empty() && to_number(sport, tuple.sport) &&
        to_number(dport, tuple.dport))
        tuple.has_ports = true;
    if (!type.empty()) to_number(type, info.icmp_type);
    if (!code.empty()) to_number(code, info.icmp_code);
    auto optional_number = [](std::string_view text, auto& out) {
        typename std::remove_reference_t<decltype(out)>::value_type value{};
        if (to_number(text, value)) out = value;
    };
    optional_number(ip_id, info.ip_id);
    optional_number(seq, info.tcp_seq);
    optional_number(ack, info.tcp_ack);
    optional_number(echo_id, info.echo_id);
    optional_number(echo_seq, info.echo_seq);
    info.tuple = tuple;
    return info;
}

std::optional<TraceLine> parse_trace_line(std::string_view message) {
    constexpr std::string_view kPrefix = "TRACE: ";
    if (!message.starts_with(kPrefix)) return std::nullopt;
    message.remove_prefix(kPrefix.size());
    auto space = message.find(' ');
    std::string_view where = message.substr(0, space);
    // table:chain:kind:number. A table is one of the kernel's own names (no ':'), but a user
    // chain may hold ':' ("x:rule:1"): the table ends at the first ':', kind and number are
    // the last two fields, and the chain is everything between.
    auto c1 = where.find(':');
    auto c3 = where.rfind(':');
    if (c1 == std::string_view::npos || c1 == 0 || c3 <= c1) return std::nullopt;
    auto c2 = where.rfind(':', c3 - 1);
    if (c2 == std::string_view::npos || c2 <= c1) return std::nullopt;
    TraceLine line;
    line.table = where.substr(0, c1);
    line.chain = where.substr(c1 + 1, c2 - c1 - 1);
    line.kind = where.substr(c2 + 1, c3 - c2 - 1);
    if (!to_number(where.substr(c3 + 1), line.number)) return std::nullopt;
    if (line.kind != "rule" && line.kind != "return" && line.kind != "policy") return std::nullopt;
    auto packet = parse_log_body(space == std::string_view::npos ? "" : message.substr(space));
    if (!packet) return std::nullopt;
    line.packet = *packet;
    return line;
}

std::optional<PacketInfo> parse_prefixed_log(std::string_view message, std::string_view prefix) {
    if (!message.starts_with(prefix)) return std::nullopt;
    return parse_log_body(message.substr(prefix.size()));
}

}  // namespace ftnt::netfilter
