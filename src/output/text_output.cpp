#include "decode/netfilter_fields.h"
#include "output/append.h"
#include "output/diagnosis_records.h"
#include "output/formats.h"
#include "output/json_writer.h"
#include "output/record_text.h"

namespace ftnt {
namespace {

class TextOutput : public Output {
  public:
    TextOutput(OutputSink& sink, OutputOptions options) : sink_(sink), options_(options) {}

    void drop(const DropView& view) override {
        if (!sink_.has_room()) return sink_.skip();
        const DropEvent& e = *view.event;
        std::string& out = sink_.record();
        line_ = '[';
        append_time(line_, e.time_ns, options_.time);
        line_ += "] cpu";
        append_uint(line_, e.cpu);
        line_ += ' ';
        append_uint(line_, e.tid);
        line_ += '/';
        line_ += view.comm;
        line_ += ' ';
        line_ += view.proto;
        if (e.tuple) {
            const PacketTuple& t = *e.tuple;
            if (!t.l4.empty()) (line_ += ' ') += t.l4;
            line_ += ' ';
            append_endpoint(line_, t.family, t.saddr, t.sport, t.has_ports);
            line_ += " -> ";
            append_endpoint(line_, t.family, t.daddr, t.dport, t.has_ports);
        }
        if (view.reason) (line_ += " reason ") += *view.reason;
        if (view.reason && view.reason_inferred) line_ += " (inferred)";
        (line_ += " at ") += view.location;
        line_ += " skb ";
        append_hex(line_, e.skb);
        append_text_line(out, line_);
        for (const auto& source : view.source) {
            (line_ = "    ") += source;
            append_text_line(out, line_);
        }
        stack_lines(out, view.stack, "");
        sink_.commit();
    }

    void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) override {
        std::string& out = sink_.record();
        line_ = final ? "Drops in " : "Drops so far in ";
        append_fixed(line_, seconds, 1);
        line_ += " s: ";
        append_uint(line_, summary.total());
        if (lost) {
            line_ += " (and ";
            append_uint(line_, lost);
            line_ += " events lost)";
        }
        append_text_line(out, line_);
        line_.clear();
        append_right(line_, "COUNT", 10);
        line_ += "  ";
        append_left(line_, "REASON", 28);
        line_ += "LOCATION";
        append_text_line(out, line_);
        for (const auto& row : summary.rows()) {
            std::string count;
            append_uint(count, row.count);
            line_.clear();
            append_right(line_, count, 10);
            line_ += "  ";
            append_left(line_,
                        row.reason.empty()    ? "-"
                        : row.reason_inferred ? row.reason + " (inferred)"
                                              : row.reason,
                        28);
            line_ += row.location;
            append_text_line(out, line_);
        }
        sink_.commit(false);
    }

    void path_event(const PathEventView& view) override {
        if (!sink_.has_room()) return sink_.skip();
        event_lines(sink_.record(), view, "");
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
        for (const auto& view : views) event_lines(out, view, "  ");
        for (const auto& step : lifecycle.firewall) {
            line_ = "  firewall " + step_location(step) + " → " + step.verdict + "  [" +
                    step.backend + "]";
            if (!step.rule_text.empty()) line_ += "  " + step.rule_text;
            append_text_line(out, line_);
        }
        out += '\n';
        sink_.commit();
    }

    // "[12.345678] reset sent TCP 192.0.2.2:80 -> 192.0.2.1:40000 state TCP_CLOSE reason
    // TCP_ABORT_ON_CLOSE by 123/server: close() with unread data", then the stack.
    void reset(const ResetView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        const PathEvent& e = *v.event;
        std::string& out = sink_.record();
        line_ = '[' + format_time(e.time_ns, options_.time) + "] reset ";
        line_ += v.sent ? "sent" : "received";
        if (v.tuple) line_ += " TCP " + v.tuple->source() + " -> " + v.tuple->destination();
        if (!e.state.empty()) line_ += " state " + e.state;
        if (e.reason) line_ += " reason " + *e.reason;
        line_ += " by ";
        append_uint(line_, e.tid);
        line_ += '/' + v.comm + " cpu";
        append_uint(line_, e.cpu);
        line_ += "  " + e.func;
        append_text_line(out, line_);
        if (!v.cause.empty()) append_text_line(out, "    cause: " + v.cause);
        stack_lines(out, v.stack, "");
        sink_.commit();
    }

    // "[12.345678] sock TCP 192.0.2.1:40000 -> 192.0.2.2:80 TCP_SYN_SENT -> TCP_ESTABLISHED
    // srtt 1.250 ms cwnd 10 by 123/curl cpu1  sock:inet_sock_set_state"
    void sock(const SockView& v) override {
        if (!sink_.has_room()) return sink_.skip();
        const PathEvent& e = *v.event;
        line_ = '[' + format_time(e.time_ns, options_.time) + "] sock";
        if (v.tuple)
            line_ += " " + (v.tuple->l4.empty() ? std::string("TCP") : v.tuple->l4) + " " +
                     v.tuple->source() + " -> " + v.tuple->destination();
        if (!v.old_state.empty()) line_ += " " + v.old_state + " ->";
        if (!v.state.empty()) line_ += " " + v.state;
        if (v.reason) line_ += " reason " + *v.reason;
        auto ms = [&](const char* name, double us) {
            line_ += name;
            append_fixed(line_, us / 1000.0, 3);
            line_ += " ms";
        };
        if (v.rtt_us) ms(" rtt ", static_cast<double>(*v.rtt_us));
        if (v.srtt_us) ms(" srtt ", static_cast<double>(*v.srtt_us));
        auto number = [&](const char* name, uint64_t value) {
            line_ += name;
            append_uint(line_, value);
        };
        if (v.snd_cwnd) number(" cwnd ", *v.snd_cwnd);
        if (v.retransmits) number(" retrans ", *v.retransmits);
        for (const auto& [name, value] : v.values) {
            line_ += " " + name + " ";
            append_int(line_, value);
        }
        if (e.netns) number(" netns ", e.netns);
        number(" by ", e.tid);
        line_ += '/' + v.comm;
        number(" cpu", e.cpu);
        line_ += "  " + e.func;
        append_text_line(sink_.record(), line_);
        sink_.commit();
    }

    void step(const netfilter::TraceStep& s) override {
        line_ = s.time_ns ? format_time(*s.time_ns, options_.time) + " " : "";
        line_ += step_location(s) + " → " + s.verdict + "  " + packet_text(s.packet) +
                 interfaces(s.packet) + "  [" + s.backend + "]";
        if (!s.rule_text.empty()) line_ += "  " + s.rule_text;
        append_text_line(sink_.record(), line_);
        sink_.commit(options_.steps_counted);
    }

    void diagnosis(const Diagnosis& diagnosis) override {
        append_diagnosis_text(sink_.record(), diagnosis);
        sink_.commit(false);
    }

    void invalid(const netfilter::InvalidEvent& e) override {
        append_text_line(sink_.record(), format_time(e.time_ns, options_.time) +
                                             " ctstate INVALID  " + packet_text(e.packet) +
                                             interfaces(e.packet));
        sink_.commit(options_.steps_counted);
    }

    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        line_ = '[';
        append_time(line_, time_ns, options_.time);
        line_ += "] LOST ";
        append_uint(line_, count);
        line_ += " events on cpu";
        append_uint(line_, cpu);
        append_text_line(sink_.record(), line_);
        sink_.commit(false);
    }

    void flush() override { sink_.flush(); }

  private:
    void event_lines(std::string& out, const PathEventView& v, const char* indent) {
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
        stack_lines(out, v.stack, indent);
    }

    // "    #0 frame", one line a frame, innermost first.
    void stack_lines(std::string& out, const std::vector<std::string>& stack, const char* indent) {
        for (std::size_t i = 0; i < stack.size(); ++i) {
            line_ = indent;
            line_ += "    #";
            append_uint(line_, i);
            (line_ += ' ') += stack[i];
            append_text_line(out, line_);
        }
    }

    static std::string interfaces(const netfilter::PacketInfo& p) {
        std::string text;
        if (!p.in.empty()) text += " in " + p.in;
        if (!p.out.empty()) text += " out " + p.out;
        return text;
    }

    OutputSink& sink_;
    OutputOptions options_;
    std::string line_;  // the line being built, escaped as it goes to the record
};

}  // namespace

std::unique_ptr<Output> make_text_output(OutputSink& sink, OutputOptions options) {
    return std::make_unique<TextOutput>(sink, options);
}

}  // namespace ftnt
