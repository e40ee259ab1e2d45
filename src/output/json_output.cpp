#include "core/tcp_flags.h"
#include "decode/netfilter_fields.h"
#include "decode/packet_headers.h"
#include "output/append.h"
#include "output/diagnosis_records.h"
#include "output/formats.h"
#include "output/json_writer.h"
#include "output/record_text.h"

namespace ftnt {
namespace {

// `scratch`: a string kept between records, so an address costs no allocation.
void tuple_fields(JsonObject& o, const PacketTuple& t, std::string& scratch) {
    scratch.clear();
    append_ip(scratch, t.family, t.saddr);
    o.field("saddr", scratch);
    scratch.clear();
    append_ip(scratch, t.family, t.daddr);
    o.field("daddr", scratch);
    if (t.has_ports) o.field("sport", uint64_t{t.sport}).field("dport", uint64_t{t.dport});
    if (!t.l4.empty()) o.field("l4", t.l4);
}

// A firewall step's packet as the kernel log or the trace socket gave it.
void packet_fields(JsonObject& o, const netfilter::PacketInfo& packet) {
    std::string scratch;
    if (packet.tuple) tuple_fields(o, *packet.tuple, scratch);
    if (packet.icmp_type >= 0) o.field("icmp_type", static_cast<uint64_t>(packet.icmp_type));
    if (packet.icmp_code >= 0) o.field("icmp_code", static_cast<uint64_t>(packet.icmp_code));
    if (packet.tcp_flags) o.field("tcp_flags", tcp_flag_names(packet.tcp_flags));
    if (!packet.in.empty()) o.field("in", packet.in);
    if (!packet.out.empty()) o.field("out", packet.out);
    if (packet.length) o.field("len", uint64_t{packet.length});
}

// The step's own fields, as a standalone trace object and a packet's "firewall" array hold them.
void step_fields(JsonObject& o, const netfilter::TraceStep& s) {
    o.field("backend", s.backend)
        .field("family", s.family)
        .field("table", s.table)
        .field("chain", s.chain)
        .field("step", s.kind);
    if (s.rule) o.field("rule", uint64_t{*s.rule});
    if (s.handle) o.field("handle", *s.handle);
    o.field("verdict", s.verdict).field("rule_text", s.rule_text);
}

void headers_fields(JsonObject& o, const PacketDetails& p) {
    const auto& t = p.tuple;
    std::string scratch;
    tuple_fields(o, t, scratch);
    if (p.tcp_header)
        o.field("tcp_flags", tcp_flag_letters(p.tcp_flags)).field("seq", p.seq).field("ack", p.ack);
    if (p.icmp_type >= 0) {
        o.field("icmp_type", static_cast<uint64_t>(p.icmp_type))
            .field("icmp_code", static_cast<uint64_t>(p.icmp_code));
        if (icmp_has_id_seq(t.family, p.icmp_type))
            o.field("icmp_id", p.icmp_id).field("icmp_seq", p.icmp_seq);
    }
}

class JsonOutput : public Output {
  public:
    JsonOutput(OutputSink& sink, OutputOptions options) : sink_(sink), options_(options) {}

    void drop(const DropView& view) override {
        if (!sink_.has_room()) return sink_.skip();
        const DropEvent& e = *view.event;
        {
            JsonObject o(sink_.record());
            o.field("type", "drop").field_seconds("ts", e.time_ns);
            date(o, e.time_ns);
            o.field("cpu", e.cpu)
                .field("pid", e.tid)
                .field("comm", view.comm)
                .field("proto", view.proto);
            if (view.reason)
                o.field("reason", *view.reason);
            else
                o.null_field("reason");
            if (view.reason && view.reason_inferred) o.flag("reason_inferred", true);
            o.field("location", view.location).hex_field("skb", e.skb);
            if (!view.source.empty()) o.field("source", view.source);
            if (e.tuple) tuple_fields(o, *e.tuple, scratch_);
            if (e.mac)
                o.field("smac", format_mac(e.mac->source))
                    .field("dmac", format_mac(e.mac->destination));
            if (!e.stack.empty() || !view.stack.empty()) o.field("stack", view.stack);
        }
        sink_.commit();
    }

    void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) override {
        {
            JsonObject o(sink_.record());
            o.field("type", "summary").flag("final", final);
            o.field("total", summary.total()).field("lost", lost);
            o.number_field("seconds", seconds);
            const auto& rows = summary.rows();
            o.objects("drops", rows.size(), [&](JsonObject& r, std::size_t i) {
                if (rows[i].reason.empty())
                    r.null_field("reason");
                else
                    r.field("reason", rows[i].reason);
                if (rows[i].reason_inferred) r.flag("reason_inferred", true);
                r.field("location", rows[i].location).field("count", rows[i].count);
            });
        }
        sink_.commit(false);
    }

    void path_event(const PathEventView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        {
            JsonObject o(sink_.record());
            event_fields(o, v);
        }
        sink_.commit();
    }

    void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) override {
        if (!sink_.has_room()) return sink_.skip();
        std::string& out = sink_.record();
        for (const auto& view : views) {
            JsonObject o(out);
            event_fields(o, view);
        }
        {
            JsonObject o(out);
            o.field("type", "packet").hex_field("skb", lifecycle.first_skb);
            o.field("latency_ns", lifecycle.last_ns() - lifecycle.first_ns());
            o.objects("events", views.size(),
                      [&](JsonObject& e, std::size_t i) { event_fields(e, views[i]); });
            if (!lifecycle.firewall.empty())
                o.objects("firewall", lifecycle.firewall.size(),
                          [&](JsonObject& step, std::size_t i) {
                              step_fields(step, lifecycle.firewall[i]);
                          });
        }
        sink_.commit();
    }

    void reset(const ResetView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        const PathEvent& e = *v.event;
        {
            JsonObject o(sink_.record());
            o.field("type", "reset").field_seconds("ts", e.time_ns);
            date(o, e.time_ns);
            o.field("direction", v.sent ? "sent" : "received");
            if (v.tuple) tuple_fields(o, *v.tuple, scratch_);
            o.field("cpu", e.cpu).field("pid", e.tid).field("comm", v.comm);
            if (!e.state.empty()) o.field("state", e.state);
            if (e.reason) o.field("reason", *e.reason);
            if (!v.cause.empty()) o.field("cause", v.cause);
            o.field("source", e.func);
            if (e.sk) o.field("sk", hex_string(e.sk));
            if (e.skb) o.field("skb", hex_string(e.skb));
            if (!v.stack.empty()) o.field("stack", v.stack);
        }
        sink_.commit();
    }

    void sock(const SockView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        const PathEvent& e = *v.event;
        {
            JsonObject o(sink_.record());
            o.field("type", "sock").field_seconds("ts", e.time_ns);
            date(o, e.time_ns);
            if (v.tuple) tuple_fields(o, *v.tuple, scratch_);
            if (!v.old_state.empty()) o.field("old_state", v.old_state);
            if (!v.state.empty()) o.field("state", v.state);
            if (v.reason) o.field("reason", *v.reason);
            if (v.rtt_us) o.signed_field("rtt_us", *v.rtt_us);
            if (v.srtt_us) o.field("srtt_us", *v.srtt_us);
            if (v.snd_cwnd) o.field("snd_cwnd", *v.snd_cwnd);
            if (v.retransmits) o.field("retransmits", *v.retransmits);
            for (const auto& [name, value] : v.values) o.signed_field(name, value);
            if (e.netns) o.field("netns", uint64_t{e.netns});
            o.field("cpu", e.cpu).field("pid", e.tid).field("comm", v.comm);
            o.field("source", e.func);
            if (e.sk) o.field("sk", hex_string(e.sk));
        }
        sink_.commit();
    }

    void step(const netfilter::TraceStep& s) override {
        {
            JsonObject o(sink_.record());
            o.field("type", "trace");
            if (s.time_ns) o.field_seconds("ts", *s.time_ns);
            if (s.time_ns) date(o, *s.time_ns);
            step_fields(o, s);
            if (s.trace_id) o.field("trace_id", uint64_t{*s.trace_id});
            packet_fields(o, s.packet);
        }
        sink_.commit(options_.steps_counted);
    }

    void diagnosis(const Diagnosis& diagnosis) override {
        append_diagnosis_json(sink_.record(), diagnosis);
        sink_.commit(false);
    }

    void invalid(const netfilter::InvalidEvent& e) override {
        {
            JsonObject o(sink_.record());
            o.field("type", "invalid").field_seconds("ts", e.time_ns);
            date(o, e.time_ns);
            packet_fields(o, e.packet);
        }
        sink_.commit(options_.steps_counted);
    }

    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        JsonObject(sink_.record())
            .field("type", "lost")
            .field_seconds("ts", time_ns)
            .field("cpu", cpu)
            .field("lost", count);
        sink_.commit(false);
    }

    void flush() override { sink_.flush(); }

  private:
    void date(JsonObject& o, uint64_t time_ns) const {
        if (options_.time.wall_clock) o.field("date", format_time(time_ns, options_.time));
    }

    void event_fields(JsonObject& o, const PathEventView& v) const {
        const PathEvent& e = *v.event;
        o.field("type", "event").field_seconds("ts", e.time_ns);
        date(o, e.time_ns);
        // A field the point does not carry is left out, never written as a placeholder.
        o.field("func", e.func);
        if (e.skb) o.hex_field("skb", e.skb);
        if (e.sk) o.hex_field("sk", e.sk);
        if (e.netns) o.field("netns", e.netns);
        if (!e.dev.empty()) o.field("dev", e.dev);
        // ifindex is read through skb->dev: without a device (its name) the value means nothing.
        if (!e.dev.empty() && e.ifindex > 0) o.field("ifindex", static_cast<uint64_t>(e.ifindex));
        if (e.pkt_type >= 0) o.field("pkt_type", pkt_type_name(e.pkt_type));
        if (e.len) o.field("len", e.len);
        if (e.ethertype) o.field("proto", ethertype_name(e.ethertype));
        if (e.smac && e.dmac) o.field("smac", mac_text(*e.smac)).field("dmac", mac_text(*e.dmac));
        if (e.packet) headers_fields(o, *e.packet);
        if (!e.state.empty()) o.field("state", e.state);
        if (e.retval) o.signed_field("ret", *e.retval);
        if (e.reason) o.field("reason", *e.reason);
        if (e.reason && e.reason_inferred) o.flag("reason_inferred", true);
        for (const auto& [name, value] : e.extra)
            if (!name.starts_with("hook_")) o.field(name, value);
        if (!v.hooks.empty()) o.field("hooks", v.hooks);
        if (auto verdict = netfilter_verdict(e); !verdict.empty()) o.field("verdict", verdict);
        if (!v.location.empty()) o.field("location", v.location);
        if (!v.stack.empty()) o.field("stack", v.stack);
        if (options_.detail || !e.skb)
            o.field("cpu", e.cpu).field("pid", e.tid).field("comm", v.comm);
    }

    OutputSink& sink_;
    OutputOptions options_;
    std::string scratch_;
};

}  // namespace

std::unique_ptr<Output> make_json_output(OutputSink& sink, OutputOptions options) {
    return std::make_unique<JsonOutput>(sink, options);
}

}  // namespace ftnt
