#include "output/step_output.h"

#include "decode/packet_headers.h"
#include "output/append.h"
#include "output/json_writer.h"

namespace ftnt::netfilter {
namespace {

void tuple_fields(JsonObject& o, const PacketInfo& packet) {
    if (packet.tuple) {
        const auto& t = *packet.tuple;
        o.field("saddr", t.saddr_text()).field("daddr", t.daddr_text());
        if (t.has_ports) o.field("sport", uint64_t{t.sport}).field("dport", uint64_t{t.dport});
        if (!t.l4.empty()) o.field("l4", t.l4);
    }
    if (packet.icmp_type >= 0) o.field("icmp_type", static_cast<uint64_t>(packet.icmp_type));
    if (packet.icmp_code >= 0) o.field("icmp_code", static_cast<uint64_t>(packet.icmp_code));
    if (packet.tcp_flags) o.field("tcp_flags", tcp_flag_names(packet.tcp_flags));
    if (!packet.in.empty()) o.field("in", packet.in);
    if (!packet.out.empty()) o.field("out", packet.out);
    if (packet.length) o.field("len", uint64_t{packet.length});
}

class TextOutput : public StepOutput {
  public:
    TextOutput(OutputSink& sink, TimeFormat time, bool counted)
        : sink_(sink), time_(time), counted_(counted) {}
    void step(const TraceStep& s) override {
        std::string line = s.time_ns ? format_time(*s.time_ns, time_) + " " : "";
        line += step_location(s) + " → " + s.verdict + "  " + packet_text(s.packet) +
                interfaces(s.packet) + "  [" + s.backend + "]";
        if (!s.rule_text.empty()) line += "  " + s.rule_text;
        append_text_line(sink_.record(), line);
        sink_.commit(counted_);
    }
    void invalid(const InvalidEvent& e) override {
        append_text_line(sink_.record(), format_time(e.time_ns, time_) + " ctstate INVALID  " +
                                             packet_text(e.packet) + interfaces(e.packet));
        sink_.commit(counted_);
    }

  private:
    static std::string interfaces(const PacketInfo& p) {
        std::string text;
        if (!p.in.empty()) text += " in " + p.in;
        if (!p.out.empty()) text += " out " + p.out;
        return text;
    }
    OutputSink& sink_;
    TimeFormat time_;
    bool counted_;
};

class JsonOutput : public StepOutput {
  public:
    JsonOutput(OutputSink& sink, TimeFormat time, bool counted)
        : sink_(sink), time_(time), counted_(counted) {}
    void step(const TraceStep& s) override {
        {
            JsonObject o(sink_.record());
            o.field("type", "trace");
            if (s.time_ns) o.field_seconds("ts", *s.time_ns);
            if (s.time_ns && time_.wall_clock) o.field("date", format_time(*s.time_ns, time_));
            write_step_fields(o, s);
            if (s.trace_id) o.field("trace_id", uint64_t{*s.trace_id});
            tuple_fields(o, s.packet);
        }
        sink_.commit(counted_);
    }
    void invalid(const InvalidEvent& e) override {
        {
            JsonObject o(sink_.record());
            o.field("type", "invalid").field_seconds("ts", e.time_ns);
            if (time_.wall_clock) o.field("date", format_time(e.time_ns, time_));
            tuple_fields(o, e.packet);
        }
        sink_.commit(counted_);
    }

  private:
    OutputSink& sink_;
    TimeFormat time_;
    bool counted_;
};

}  // namespace

void write_step_fields(JsonObject& o, const TraceStep& s) {
    o.field("backend", s.backend)
        .field("family", s.family)
        .field("table", s.table)
        .field("chain", s.chain)
        .field("step", s.kind);
    if (s.rule) o.field("rule", uint64_t{*s.rule});
    if (s.handle) o.field("handle", *s.handle);
    o.field("verdict", s.verdict).field("rule_text", s.rule_text);
}

std::string step_location(const TraceStep& s) {
    std::string where = s.backend == "nft" ? s.family + " " + s.table : s.table;
    where += ":" + s.chain + ":";
    if (s.kind != "rule") return where + s.kind;
    if (s.backend == "nft") return where + "handle " + (s.handle ? std::to_string(*s.handle) : "?");
    where += "rule " + (s.rule ? std::to_string(*s.rule) : std::string("?"));
    if (s.handle) where += " (handle " + std::to_string(*s.handle) + ")";
    return where;
}

std::string packet_text(const PacketInfo& packet) {
    if (!packet.tuple) return "(no headers)";
    const auto& t = *packet.tuple;
    std::string text = (t.l4.empty() ? std::string(t.family == 6 ? "IPv6" : "IPv4") : t.l4) + " ";
    text += t.has_ports ? t.source() + " -> " + t.destination()
                        : t.saddr_text() + " -> " + t.daddr_text();
    if (packet.icmp_type >= 0)
        text += " " + icmp_description(t.family, packet.icmp_type, std::max(packet.icmp_code, 0));
    if (packet.tcp_flags) text += " " + tcp_flag_names(packet.tcp_flags);
    return text;
}

}  // namespace ftnt::netfilter

namespace ftnt::netfilter {

std::unique_ptr<StepOutput> make_step_text_output(OutputSink& sink, TimeFormat time, bool counted) {
    return std::make_unique<TextOutput>(sink, time, counted);
}

std::unique_ptr<StepOutput> make_step_json_output(OutputSink& sink, TimeFormat time, bool counted) {
    return std::make_unique<JsonOutput>(sink, time, counted);
}

}  // namespace ftnt::netfilter
