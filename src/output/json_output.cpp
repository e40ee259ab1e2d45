#include <sstream>

#include "output/json_writer.h"
#include "output/output.h"

namespace ftnt {
namespace {

class JsonOutput : public OutputFormat {
  public:
    JsonOutput(std::ostream& out, TimeFormat time) : out_(out), time_(time) {}

    void drop(const DropView& view) override {
        const DropEvent& e = *view.event;
        JsonObject o(out_);
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
        o.field("location", view.location).field("skb", hex_string(e.skb));
        if (!view.source.empty()) o.field("source", view.source);
        if (e.tuple) write_tuple(o, *e.tuple);
        if (e.mac)
            o.field("smac", format_mac(e.mac->source))
                .field("dmac", format_mac(e.mac->destination));
        if (!e.stack.empty() || !view.stack.empty()) o.field("stack", view.stack);
    }

    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        JsonObject(out_)
            .field("type", "lost")
            .field_seconds("ts", time_ns)
            .field("cpu", cpu)
            .field("lost", count);
    }

    void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) override {
        JsonObject o(out_);
        o.field("type", "summary").flag("final", final);
        o.field("total", summary.total()).field("lost", lost);
        o.raw_field("seconds") << seconds;
        auto& rows = o.raw_field("drops");
        rows << '[';
        bool first = true;
        for (const auto& row : summary.rows()) {
            if (!first) rows << ',';
            first = false;
            rows << "{\"reason\":";
            if (row.reason.empty())
                rows << "null";
            else
                write_json_string(rows, row.reason);
            rows << ",\"location\":";
            write_json_string(rows, row.location);
            rows << ",\"count\":" << row.count << '}';
        }
        rows << ']';
    }

    void flush() override { out_.flush(); }

  private:
    static void write_tuple(JsonObject& o, const PacketTuple& t) {
        o.field("saddr", t.saddr_text()).field("daddr", t.daddr_text());
        if (t.has_ports) o.field("sport", t.sport).field("dport", t.dport);
        if (!t.l4.empty()) o.field("l4", t.l4);
    }

    std::ostream& out_;
    TimeFormat time_;
};

}  // namespace

std::unique_ptr<OutputFormat> make_json_output(std::ostream& out, TimeFormat time) {
    return std::make_unique<JsonOutput>(out, time);
}

}  // namespace ftnt
