#include "output/path_output.h"

#include <cstdio>
#include <map>
#include <sstream>

#include "netfilter/step_output.h"
#include "output/append.h"
#include "output/json_writer.h"

namespace ftnt {
namespace {

std::string extra_value(const PathEvent& e, const char* name) {
    for (const auto& [key, value] : e.extra)
        if (key == name) return value;
    return "";
}

// include/uapi/linux/netfilter.h NFPROTO_*, as nettrace names them.
std::string family_name(const std::string& pf) {
    static const std::map<std::string, std::string> kNames = {{"1", "inet"},   {"2", "ipv4"},
                                                              {"3", "arp"},    {"5", "netdev"},
                                                              {"7", "bridge"}, {"10", "ipv6"}};
    auto it = kNames.find(pf);
    return it == kNames.end() ? "pf" + pf : it->second;
}

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

std::string netfilter_verdict(const PathEvent& e) {
    // include/uapi/linux/netfilter.h: NF_DROP 0, NF_ACCEPT 1, NF_STOLEN 2, NF_QUEUE 3,
    // NF_REPEAT 4, NF_STOP 5; the low byte is the verdict (NF_VERDICT_MASK).
    static const char* kVerdicts[] = {"DROP", "ACCEPT", "STOLEN", "QUEUE", "REPEAT", "STOP"};
    static const char* kHooks[] = {"PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"};
    std::string verdict;
    if (e.retval || e.deduced_verdict) {
        auto code =
            static_cast<std::size_t>(e.deduced_verdict ? *e.deduced_verdict : *e.retval & 0xff);
        verdict = code < 6 ? kVerdicts[code] : std::to_string(code);
    }
    auto table = extra_value(e, "table");
    auto hook = extra_value(e, "hook");
    auto pf = extra_value(e, "pf");
    if (e.decode == "xt_table" && !table.empty() && !hook.empty() && !pf.empty()) {
        // ipt_do_table: 2.filter.INPUT.DROP
        auto h = static_cast<std::size_t>(std::stoul(hook));
        return pf + "." + table + "." + (h < 5 ? kHooks[h] : hook) +
               (verdict.empty() ? "" : "." + verdict);
    }
    if (e.decode == "nf_hook" && !hook.empty() && !pf.empty()) {  // nf_hook_slow: ipv4.INPUT.DROP
        // It returns 1 when the packet goes on, 0 when a hook stole or queued it, and
        // -EPERM (or another -errno of NF_DROP_ERR) when a hook dropped it.
        std::string outcome;
        if (e.retval) outcome = *e.retval == 1 ? "ACCEPT" : *e.retval == 0 ? "STOLEN" : "DROP";
        static const char* kArpHooks[] = {"IN", "OUT", "FORWARD"};
        static const char* kNetdevHooks[] = {"INGRESS", "EGRESS"};
        auto h = static_cast<std::size_t>(std::stoul(hook));
        std::string name = pf == "3"   ? (h < 3 ? kArpHooks[h] : hook)
                           : pf == "5" ? (h < 2 ? kNetdevHooks[h] : hook)
                                       : (h < 5 ? kHooks[h] : hook);
        return family_name(pf) + "." + name + (outcome.empty() ? "" : "." + outcome);
    }
    auto chain = extra_value(e, "chain");
    if (e.decode == "nft_chain" && !table.empty() && !chain.empty())  // table t chain c DROP
        return "table " + table + " chain " + chain + (verdict.empty() ? "" : " " + verdict) +
               (e.verdict_note.empty() ? "" : " (" + e.verdict_note + ")");
    return "";
}

std::vector<uint64_t> hook_functions(const PathEvent& e) {
    auto count = extra_value(e, "hook_count");
    if (count.empty()) return {};
    auto start = extra_value(e, "hook_start");
    std::vector<uint64_t> out;
    unsigned long n = std::stoul(count);
    for (unsigned long i = start.empty() ? 0 : std::stoul(start); i < n; ++i) {
        auto value = extra_value(e, ("hook_fn" + std::to_string(i)).c_str());
        if (value.empty()) break;  // more hooks than the catalog fetches
        out.push_back(std::stoull(value));
    }
    return out;
}

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
