#include "judge/event_fields.h"

#include "core/tcp_flags.h"
#include "decode/netfilter_fields.h"

namespace ftnt {
namespace {

std::optional<std::string> text_if(bool present, std::string text) {
    if (!present || text.empty()) return std::nullopt;
    return text;
}

std::optional<std::string> tuple_field(const PathEvent& e, const std::string& field, bool reply) {
    if (!e.packet) return std::nullopt;
    const auto& p = *e.packet;
    const auto t = reply ? p.tuple.reversed() : p.tuple;
    if (field == "l4") return text_if(true, t.l4);
    if (field == "saddr") return text_if(true, t.saddr_text());
    if (field == "daddr") return text_if(true, t.daddr_text());
    if (field == "sport") return text_if(t.has_ports, std::to_string(t.sport));
    if (field == "dport") return text_if(t.has_ports, std::to_string(t.dport));
    if (field == "tcp_flags") return text_if(p.tcp_header, tcp_flag_letters(p.tcp_flags));
    return std::nullopt;
}

}  // namespace

bool header_field(const std::string& field) {
    return field == "l4" || field == "saddr" || field == "daddr" || field == "sport" ||
           field == "dport" || field == "tcp_flags";
}

std::optional<std::string> event_field(const PathEvent& e, const std::string& field, bool reply) {
    if (header_field(field)) return tuple_field(e, field, reply);
    if (field == "func") return e.func;
    if (field == "reason") return e.reason;
    if (field == "ret")
        return text_if(e.retval.has_value(), e.retval ? std::to_string(*e.retval) : "");
    if (field == "dev") return text_if(true, e.dev);
    if (field == "state") return text_if(true, e.state);
    if (field == "verdict") return text_if(true, netfilter_verdict(e));
    if (field == "len") return text_if(e.len != 0, std::to_string(e.len));
    if (field == "netns") return text_if(e.netns != 0, std::to_string(e.netns));
    if (field.starts_with("field."))
        for (const auto& [name, value] : e.extra)
            if (name == field.substr(6)) return value;
    return std::nullopt;
}

}  // namespace ftnt
