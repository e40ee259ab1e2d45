#include "output/path_output.h"

#include <iomanip>
#include <map>
#include <sstream>

#include "netfilter/step_output.h"
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

// Kernel pointers (skb_clone's) read as large negative numbers: show them in hex.
std::string format_retval(int64_t value) {
    return value < -4096 ? hex_string(static_cast<uint64_t>(value)) : std::to_string(value);
}

class PathText : public PathOutput {
  public:
    PathText(std::ostream& out, PathOutputOptions options) : out_(out), options_(options) {}

    void event(const PathEventView& v) override { line(v, ""); }

    void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) override {
        double micros = static_cast<double>(lifecycle.last_ns() - lifecycle.first_ns()) / 1000.0;
        out_ << "packet skb " << hex_string(lifecycle.first_skb) << ": " << lifecycle.events.size()
             << " events, " << std::fixed << std::setprecision(1) << micros << " us"
             << std::defaultfloat << '\n';
        for (const auto& view : views) line(view, "  ");
        for (const auto& step : lifecycle.firewall)
            out_ << "  firewall " << netfilter::step_location(step) << " → " << step.verdict
                 << "  [" << step.backend << "]"
                 << (step.rule_text.empty() ? "" : "  " + step.rule_text) << '\n';
        out_ << '\n';
    }

    void notice_lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        out_ << '[' << format_time(time_ns, options_.time) << "] LOST " << count << " events on cpu"
             << cpu << '\n';
    }

    void flush() override { out_.flush(); }

  private:
    void line(const PathEventView& v, const char* indent) {
        const PathEvent& e = *v.event;
        out_ << indent << '[' << format_time(e.time_ns, options_.time) << "] ["
             << (e.netns ? std::to_string(e.netns) : "-") << "] " << std::left << std::setw(10)
             << (e.dev.empty() ? "-" : e.dev) << std::right << ' ' << std::setw(9)
             << pkt_type_name(e.pkt_type) << ' ' << describe_packet(e);
        if (e.len) out_ << " len " << e.len;
        out_ << "  " << e.func;
        if (e.retval) out_ << " = " << format_retval(*e.retval);
        if (e.reason) out_ << " reason " << *e.reason;
        if (auto verdict = netfilter_verdict(e); !verdict.empty())
            out_ << ' ' << verdict;
        else
            for (const auto& [name, value] : e.extra) out_ << ' ' << name << '=' << value;
        if (!v.hooks.empty()) {
            out_ << " hooks";
            for (std::size_t i = 0; i < v.hooks.size(); ++i) out_ << (i ? "," : " ") << v.hooks[i];
        }
        if (!v.location.empty()) out_ << " at " << v.location;
        if (options_.detail)
            out_ << "  cpu" << e.cpu << ' ' << e.tid << '/' << v.comm << " skb "
                 << hex_string(e.skb);
        else if (!e.skb)  // a socket's event: the task is what it tells
            out_ << "  " << e.tid << '/' << v.comm;
        out_ << '\n';
        for (std::size_t i = 0; i < v.stack.size(); ++i)
            out_ << indent << "    #" << i << ' ' << v.stack[i] << '\n';
    }

    std::ostream& out_;
    PathOutputOptions options_;
};

void write_event_fields(JsonObject& o, const PathEventView& v, const PathOutputOptions& options) {
    const PathEvent& e = *v.event;
    o.field("type", "event").field_seconds("ts", e.time_ns);
    if (options.time.wall_clock) o.field("date", format_time(e.time_ns, options.time));
    o.field("func", e.func);
    if (e.skb) o.field("skb", hex_string(e.skb));
    o.field("netns", e.netns).field("dev", e.dev);
    o.field("ifindex", static_cast<uint64_t>(static_cast<uint32_t>(e.ifindex)));
    o.field("pkt_type", pkt_type_name(e.pkt_type)).field("len", e.len);
    if (e.packet) {
        const auto& t = e.packet->tuple;
        o.field("saddr", t.saddr_text()).field("daddr", t.daddr_text());
        if (t.has_ports) o.field("sport", t.sport).field("dport", t.dport);
        if (!t.l4.empty()) o.field("l4", t.l4);
        if (e.packet->tcp_flags) o.field("tcp_flags", tcp_flag_letters(e.packet->tcp_flags));
        if (e.packet->icmp_type >= 0)
            o.field("icmp_type", static_cast<uint64_t>(e.packet->icmp_type))
                .field("icmp_id", e.packet->icmp_id)
                .field("icmp_seq", e.packet->icmp_seq);
    }
    if (e.retval) o.raw_field("ret") << *e.retval;
    if (e.reason) o.field("reason", *e.reason);
    for (const auto& [name, value] : e.extra)
        if (!name.starts_with("hook_")) o.field(name, value);
    if (!v.hooks.empty()) o.field("hooks", v.hooks);
    if (auto verdict = netfilter_verdict(e); !verdict.empty()) o.field("verdict", verdict);
    if (!v.location.empty()) o.field("location", v.location);
    if (!v.stack.empty()) o.field("stack", v.stack);
    if (options.detail || !e.skb) o.field("cpu", e.cpu).field("pid", e.tid).field("comm", v.comm);
}

// A JSON array of `count` objects, the i-th written by fill(object, i).
template <typename Fill>
void write_object_array(std::ostream& out, std::size_t count, Fill&& fill) {
    out << '[';
    for (std::size_t i = 0; i < count; ++i) {
        std::ostringstream one;
        {
            JsonObject object(one);
            fill(object, i);
        }
        std::string text = one.str();
        if (!text.empty() && text.back() == '\n') text.pop_back();
        out << (i ? "," : "") << text;
    }
    out << ']';
}

class PathJson : public PathOutput {
  public:
    PathJson(std::ostream& out, PathOutputOptions options) : out_(out), options_(options) {}

    void event(const PathEventView& v) override {
        JsonObject o(out_);
        write_event_fields(o, v, options_);
    }

    void packet(const Lifecycle& lifecycle, const std::vector<PathEventView>& views) override {
        for (const auto& view : views) event(view);
        JsonObject o(out_);
        o.field("type", "packet").field("skb", hex_string(lifecycle.first_skb));
        o.field("latency_ns", lifecycle.last_ns() - lifecycle.first_ns());
        write_object_array(o.raw_field("events"), views.size(), [&](JsonObject& e, std::size_t i) {
            write_event_fields(e, views[i], options_);
        });
        if (!lifecycle.firewall.empty())
            write_object_array(o.raw_field("firewall"), lifecycle.firewall.size(),
                               [&](JsonObject& step, std::size_t i) {
                                   netfilter::write_step_fields(step, lifecycle.firewall[i]);
                               });
    }

    void notice_lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        JsonObject(out_)
            .field("type", "lost")
            .field_seconds("ts", time_ns)
            .field("cpu", cpu)
            .field("lost", count);
    }

    void flush() override { out_.flush(); }

  private:
    std::ostream& out_;
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
    if (!table.empty() && !hook.empty() && !pf.empty()) {  // ipt_do_table: 2.filter.INPUT.DROP
        auto h = static_cast<std::size_t>(std::stoul(hook));
        return pf + "." + table + "." + (h < 5 ? kHooks[h] : hook) +
               (verdict.empty() ? "" : "." + verdict);
    }
    if (table.empty() && !hook.empty() && !pf.empty()) {  // nf_hook_slow: ipv4.INPUT.DROP
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
    if (!table.empty() && !chain.empty())  // nft_do_chain: table filter chain input DROP
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
    if (p.tuple.l4 == "TCP")
        out << ' ' << tcp_flag_letters(p.tcp_flags) << " seq " << p.seq << " ack " << p.ack;
    if (p.icmp_type >= 0)
        out << ' ' << icmp_description(p.tuple.family, p.icmp_type, p.icmp_code) << " id "
            << p.icmp_id << " seq " << p.icmp_seq;
    return out.str();
}

std::unique_ptr<PathOutput> make_path_text_output(std::ostream& out, PathOutputOptions options) {
    return std::make_unique<PathText>(out, options);
}

std::unique_ptr<PathOutput> make_path_json_output(std::ostream& out, PathOutputOptions options) {
    return std::make_unique<PathJson>(out, options);
}

}  // namespace ftnt
