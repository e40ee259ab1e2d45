#include "output/append.h"
#include "output/output.h"

namespace ftnt {
namespace {

class TextOutput : public OutputFormat {
  public:
    TextOutput(OutputSink& sink, TimeFormat time) : sink_(sink), time_(time) {}

    void drop(const DropView& view) override {
        if (!sink_.has_room()) return sink_.skip();
        const DropEvent& e = *view.event;
        std::string& out = sink_.record();
        line_ = '[' + format_time(e.time_ns, time_) + "] cpu";
        append_uint(line_, e.cpu);
        line_ += ' ';
        append_uint(line_, e.tid);
        line_ += '/';
        line_ += view.comm;
        line_ += ' ';
        line_ += view.proto;
        if (e.tuple) {
            if (!e.tuple->l4.empty()) line_ += ' ' + e.tuple->l4;
            line_ += ' ' + e.tuple->source() + " -> " + e.tuple->destination();
        }
        if (view.reason) line_ += " reason " + *view.reason;
        if (view.reason && view.reason_inferred) line_ += " (inferred)";
        line_ += " at " + view.location + " skb ";
        append_hex(line_, e.skb);
        append_text_line(out, line_);
        for (const auto& source : view.source) append_text_line(out, "    " + source);
        for (std::size_t i = 0; i < view.stack.size(); ++i) {
            line_ = "    #";
            append_uint(line_, i);
            line_ += ' ' + view.stack[i];
            append_text_line(out, line_);
        }
        sink_.commit();
    }

    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        line_ = '[' + format_time(time_ns, time_) + "] LOST ";
        append_uint(line_, count);
        line_ += " events on cpu";
        append_uint(line_, cpu);
        append_text_line(sink_.record(), line_);
        sink_.commit(false);
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
            append_left(line_, row.reason.empty() ? "-" : row.reason, 28);
            line_ += row.location;
            append_text_line(out, line_);
        }
        sink_.commit(false);
    }

    void flush() override { sink_.flush(); }

  private:
    OutputSink& sink_;
    TimeFormat time_;
    std::string line_;  // the line being built, escaped as it goes to the record
};

}  // namespace

std::unique_ptr<OutputFormat> make_text_output(OutputSink& sink, TimeFormat time) {
    return std::make_unique<TextOutput>(sink, time);
}

}  // namespace ftnt
