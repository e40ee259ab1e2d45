#include <iomanip>

#include "output/output.h"

namespace ftnt {
namespace {

class TextOutput : public OutputFormat {
  public:
    TextOutput(std::ostream& out, TimeFormat time) : out_(out), time_(time) {}

    void drop(const DropView& view) override {
        const DropEvent& e = *view.event;
        out_ << '[' << format_time(e.time_ns, time_) << "] cpu" << e.cpu << ' ' << e.tid << '/'
             << view.comm << ' ' << view.proto;
        if (e.tuple) {
            if (!e.tuple->l4.empty()) out_ << ' ' << e.tuple->l4;
            out_ << ' ' << e.tuple->source() << " -> " << e.tuple->destination();
        }
        if (view.reason) out_ << " reason " << *view.reason;
        if (view.reason && view.reason_inferred) out_ << " (inferred)";
        out_ << " at " << view.location << " skb 0x" << std::hex << e.skb << std::dec << '\n';
        for (const auto& line : view.source) out_ << "    " << line << '\n';
        for (std::size_t i = 0; i < view.stack.size(); ++i)
            out_ << "    #" << i << ' ' << view.stack[i] << '\n';
    }

    void lost(uint32_t cpu, uint64_t count, uint64_t time_ns) override {
        out_ << '[' << format_time(time_ns, time_) << "] LOST " << count << " events on cpu" << cpu
             << '\n';
    }

    void summary(const DropSummary& summary, uint64_t lost, double seconds, bool final) override {
        out_ << (final ? "Drops" : "Drops so far") << " in " << std::fixed << std::setprecision(1)
             << seconds << " s: " << summary.total();
        if (lost) out_ << " (and " << lost << " events lost)";
        out_ << '\n'
             << std::setw(10) << "COUNT"
             << "  " << std::left << std::setw(28) << "REASON"
             << "LOCATION" << std::right << '\n';
        for (const auto& row : summary.rows())
            out_ << std::setw(10) << row.count << "  " << std::left << std::setw(28)
                 << (row.reason.empty() ? "-" : row.reason) << row.location << std::right << '\n';
        out_ << std::defaultfloat;
        out_.flush();
    }

    void flush() override { out_.flush(); }

  private:
    std::ostream& out_;
    TimeFormat time_;
};

}  // namespace

std::unique_ptr<OutputFormat> make_text_output(std::ostream& out, TimeFormat time) {
    return std::make_unique<TextOutput>(out, time);
}

}  // namespace ftnt
