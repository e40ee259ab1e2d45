#include "output/append.h"
#include "output/json_writer.h"
#include "output/output.h"

namespace ftnt {
namespace {

class JsonOutput : public OutputFormat {
  public:
    JsonOutput(OutputSink& sink, TimeFormat time) : sink_(sink), time_(time) {}

    void drop(const DropView& view) override {
        if (!sink_.has_room()) return sink_.skip();
        const DropEvent& e = *view.event;
        {
            JsonObject o(sink_.record());
            o.field("type", "drop").field_seconds("ts", e.time_ns);
            if (time_.wall_clock) o.field("date", format_time(e.time_ns, time_));
            o.field("cpu", e.cpu)
                .field("pid", e.tid)
                .field("comm", view.comm)
                .field("proto", view.proto);
            if (view.reason)
                o.field("reason", *view.reason);
            else
                o.null_field("reason");
            if (view.reason && view.reason_inferred) o.flag("reason_inferred", true);
            o.field("location", view.location).field("skb", hex_string(e.skb));
            if (!view.source.empty()) o.field("source", view.source);
            if (e.tuple) write_tuple(o, *e.tuple);
            if (e.mac)
                o.field("smac", format_mac(e.mac->source))
                    .field("dmac", format_mac(e.mac->destination));
            if (!e.stack.empty() || !view.stack.empty()) o.field("stack", view.stack);
        }
        sink_.commit();
    }

    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        JsonObject(sink_.record())
            .field("type", "lost")
            .field_seconds("ts", time_ns)
            .field("cpu", cpu)
            .field("lost", count);
        sink_.commit(false);
    }

    void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) override {
        {
            JsonObject o(sink_.record());
            o.field("type", "summary").flag("final", final);
            o.field("total", summary.total()).field("lost", lost);
            o.number_field("seconds", seconds);
            const auto& rows = summary.rows();
            write_object_array(
                o.raw_field("drops"), rows.size(), [&](JsonObject& r, std::size_t i) {
                    if (rows[i].reason.empty())
                        r.null_field("reason");
                    else
                        r.field("reason", rows[i].reason);
                    r.field("location", rows[i].location).field("count", rows[i].count);
                });
        }
        sink_.commit(false);
    }

    void flush() override { sink_.flush(); }

  private:
    static void write_tuple(JsonObject& o, const PacketTuple& t) {
        o.field("saddr", t.saddr_text()).field("daddr", t.daddr_text());
        if (t.has_ports) o.field("sport", t.sport).field("dport", t.dport);
        if (!t.l4.empty()) o.field("l4", t.l4);
    }

    OutputSink& sink_;
    TimeFormat time_;
};

}  // namespace

std::unique_ptr<OutputFormat> make_json_output(OutputSink& sink, TimeFormat time) {
    return std::make_unique<JsonOutput>(sink, time);
}

}  // namespace ftnt
