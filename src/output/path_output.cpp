#include "output/path_output.h"

#include <cstdio>
#include <sstream>

#include "decode/netfilter_fields.h"
#include "output/append.h"
#include "output/json_writer.h"
#include "output/step_output.h"

namespace ftnt {
namespace {

std::string mac_text(const std::array<uint8_t, 6>& mac) {
    char text[18];
    std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
                  mac[3], mac[4], mac[5]);
    return text;
}

// Kernel pointers (skb_clone's) read as large negative numbers: show them in hex.
std::string format_retval(int64_t value) {
    return value < -4096 ? hex_string(static_cast<uint64_t>(value)) : std::to_string(value);
}

class PathText : public PathOutput {
  public:
    PathText(OutputSink& sink, PathOutputOptions options) : sink_(sink), options_(options) {}

    void event(const PathEventView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        line(sink_.record(), v, "");
        sink_.commit();
    }

    void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) override {
        if (!sink_.has_room()) return sink_.skip();
        std::string& out = sink_.record();
        double micros = static_cast<double>(lifecycle.last_ns() - lifecycle.first_ns()) / 1000.0;
        line_ = "packet skb " + hex_string(lifecycle.first_skb) + ": ";
        append_uint(line_, lifecycle.events.size());
        line_ += " events, ";
        append_fixed(line_, micros, 1);
        line_ += " us";
        append_text_line(out, line_);
        for (const auto& view : views) line(out, view, "  ");
        for (const auto& step : lifecycle.firewall) {
            line_ = "  firewall " + netfilter::step_location(step) + " → " + step.verdict + "  [" +
                    step.backend + "]";
            if (!step.rule_text.empty()) line_ += "  " + step.rule_text;
            append_text_line(out, line_);
        }
        out += '\n';
        sink_.commit();
    }

    void notice_lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        line_ = '[' + format_time(time_ns, options_.time) + "] LOST ";
        append_uint(line_, count);
        line_ += " events on cpu";
        append_uint(line_, cpu);
        append_text_line(sink_.record(), line_);
        sink_.commit(false);
    }

    void flush() override { sink_.flush(); }

  private:
    void line(std::string& out, const PathEventView& v, const char* indent) {
        const PathEvent& e = *v.event;
        line_ = indent;
        line_ += '[' + format_time(e.time_ns, options_.time) + "] [";
        if (e.netns)
            append_uint(line_, e.netns);
        else
            line_ += '-';
        line_ += "] ";
        append_left(line_, e.dev.empty() ? "-" : e.dev, 10);
        line_ += ' ';
        append_right(line_, pkt_type_name(e.pkt_type), 9);
        line_ += ' ' + describe_packet(e);
        if (e.smac && e.dmac) line_ += " mac " + mac_text(*e.smac) + " > " + mac_text(*e.dmac);
        if (e.len) {
            line_ += " len ";
            append_uint(line_, e.len);
        }
        line_ += "  " + e.func;
        if (e.retval) line_ += " = " + format_retval(*e.retval);
        if (e.reason) line_ += " reason " + *e.reason + (e.reason_inferred ? " (inferred)" : "");
        if (!e.state.empty()) line_ += " state " + e.state;
        if (auto verdict = netfilter_verdict(e); !verdict.empty())
            line_ += ' ' + verdict;
        else
            for (const auto& [name, value] : e.extra) line_ += ' ' + name + '=' + value;
        if (!v.hooks.empty()) {
            line_ += " hooks";
            for (std::size_t i = 0; i < v.hooks.size(); ++i) line_ += (i ? "," : " ") + v.hooks[i];
        }
        if (!v.location.empty()) line_ += " at " + v.location;
        if (options_.detail) {
            line_ += "  cpu";
            append_uint(line_, e.cpu);
            line_ += ' ';
            append_uint(line_, e.tid);
            line_ += '/' + v.comm + " skb " + hex_string(e.skb);
        } else if (!e.skb) {  // a socket's event: the task is what it tells
            line_ += "  ";
            append_uint(line_, e.tid);
            line_ += '/' + v.comm;
        }
        append_text_line(out, line_);
        for (std::size_t i = 0; i < v.stack.size(); ++i) {
            line_ = indent;
            line_ += "    #";
            append_uint(line_, i);
            line_ += ' ' + v.stack[i];
            append_text_line(out, line_);
        }
    }

    OutputSink& sink_;
    PathOutputOptions options_;
    std::string line_;
};

void write_event_fields(JsonObject& o, const PathEventView& v, const PathOutputOptions& options) {
    const PathEvent& e = *v.event;
    o.field("type", "event").field_seconds("ts", e.time_ns);
    if (options.time.wall_clock) o.field("date", format_time(e.time_ns, options.time));
    // A field the point does not carry is left out, never written as a placeholder.
    o.field("func", e.func);
    if (e.skb) o.field("skb", hex_string(e.skb));
    if (e.sk) o.field("sk", hex_string(e.sk));
    if (e.netns) o.field("netns", e.netns);
    if (!e.dev.empty()) o.field("dev", e.dev);
    // ifindex is read through skb->dev: without a device (its name) the value means nothing.
    if (!e.dev.empty() && e.ifindex > 0) o.field("ifindex", static_cast<uint64_t>(e.ifindex));
    if (e.pkt_type >= 0) o.field("pkt_type", pkt_type_name(e.pkt_type));
    if (e.len) o.field("len", e.len);
    if (e.ethertype) o.field("proto", ethertype_name(e.ethertype));
    if (e.smac && e.dmac) o.field("smac", mac_text(*e.smac)).field("dmac", mac_text(*e.dmac));
    if (e.packet) {
        const auto& p = *e.packet;
        const auto& t = p.tuple;
        o.field("saddr", t.saddr_text()).field("daddr", t.daddr_text());
        if (t.has_ports) o.field("sport", t.sport).field("dport", t.dport);
        if (!t.l4.empty()) o.field("l4", t.l4);
        if (p.tcp_header)
            o.field("tcp_flags", tcp_flag_letters(p.tcp_flags))
                .field("seq", p.seq)
                .field("ack", p.ack);
        if (p.icmp_type >= 0) {
            o.field("icmp_type", static_cast<uint64_t>(p.icmp_type))
                .field("icmp_code", static_cast<uint64_t>(p.icmp_code));
            if (icmp_has_id_seq(t.family, p.icmp_type))
                o.field("icmp_id", p.icmp_id).field("icmp_seq", p.icmp_seq);
        }
    }
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
    if (options.detail || !e.skb) o.field("cpu", e.cpu).field("pid", e.tid).field("comm", v.comm);
}

class PathJson : public PathOutput {
  public:
    PathJson(OutputSink& sink, PathOutputOptions options) : sink_(sink), options_(options) {}

    void event(const PathEventView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        {
            JsonObject o(sink_.record());
            write_event_fields(o, v, options_);
        }
        sink_.commit();
    }

    void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) override {
        if (!sink_.has_room()) return sink_.skip();
        std::string& out = sink_.record();
        for (const auto& view : views) {
            JsonObject o(out);
            write_event_fields(o, view, options_);
        }
        {
            JsonObject o(out);
            o.field("type", "packet").field("skb", hex_string(lifecycle.first_skb));
            o.field("latency_ns", lifecycle.last_ns() - lifecycle.first_ns());
            write_object_array(
                o.raw_field("events"), views.size(),
                [&](JsonObject& e, std::size_t i) { write_event_fields(e, views[i], options_); });
            if (!lifecycle.firewall.empty())
                write_object_array(o.raw_field("firewall"), lifecycle.firewall.size(),
                                   [&](JsonObject& step, std::size_t i) {
                                       netfilter::write_step_fields(step, lifecycle.firewall[i]);
                                   });
        }
        sink_.commit();
    }

    void notice_lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        JsonObject(sink_.record())
            .field("type", "lost")
            .field_seconds("ts", time_ns)
            .field("cpu", cpu)
            .field("lost", count);
        sink_.commit(false);
    }

    void flush() override { sink_.flush(); }

  private:
    OutputSink& sink_;
    PathOutputOptions options_;
};

}  // namespace

std::string pkt_type_name(int pkt_type) {
    static const char* kNames[] = {"HOST",      "BROADCAST", "MULTICAST",
                                   "OTHERHOST", "OUTGOING",  "LOOPBACK"};
    if (pkt_type >= 0 && pkt_type < 6) return kNames[pkt_type];
    return pkt_type < 0 ? "-" : std::to_string(pkt_type);
}

std::string describe_packet(const PathEvent& e) {
    if (!e.packet) return e.ethertype ? ethertype_name(e.ethertype) : "-";
    const auto& p = *e.packet;
    std::ostringstream out;
    out << (p.tuple.l4.empty() ? (p.tuple.family == 6 ? "IPv6" : "IPv4") : p.tuple.l4) << ' '
        << p.tuple.source() << " -> " << p.tuple.destination();
    if (p.tcp_header)
        out << ' ' << tcp_flag_letters(p.tcp_flags) << " seq " << p.seq << " ack " << p.ack;
    if (p.icmp_type >= 0) {
        out << ' ' << icmp_description(p.tuple.family, p.icmp_type, p.icmp_code);
        if (icmp_has_id_seq(p.tuple.family, p.icmp_type))
            out << " id " << p.icmp_id << " seq " << p.icmp_seq;
    }
    return out.str();
}

std::unique_ptr<PathOutput> make_path_text_output(OutputSink& sink, PathOutputOptions options) {
    return std::make_unique<PathText>(sink, options);
}

std::unique_ptr<PathOutput> make_path_json_output(OutputSink& sink, PathOutputOptions options) {
    return std::make_unique<PathJson>(sink, options);
}

}  // namespace ftnt
