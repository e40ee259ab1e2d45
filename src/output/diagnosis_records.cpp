#include "output/diagnosis_records.h"

#include <cctype>

#include "output/append.h"
#include "output/json_writer.h"
#include "output/record_text.h"

namespace ftnt {
namespace {

std::string lower(const char* text) {
    std::string out(text);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

void append_diagnosis_text(std::string& out, const Diagnosis& diagnosis) {
    append_text_line(out, "---------------- ANALYSIS RESULT ----------------");
    for (std::size_t i = 0; i < diagnosis.findings.size(); ++i) {
        const Finding& f = diagnosis.findings[i];
        std::string line =
            "[" + std::to_string(i + 1) + "] " + diag_level_name(f.level) + " at " + f.where;
        if (!f.location.empty()) line += " (" + f.location + ")";
        append_text_line(out, line + ":");
        append_text_line(out, "        " + f.message);
        if (!f.source.empty()) {
            append_text_line(out, "    source:");
            append_text_line(out, "        " + f.source);
        }
        if (!f.reason.empty()) {
            append_text_line(out, "    drop reason:");
            append_text_line(out, "        " + f.reason);
        }
        if (!f.blame.empty()) {
            append_text_line(out, "    blamed hook:");
            append_text_line(out, "        " + f.blame);
        }
        if (!f.advice.empty()) {
            append_text_line(out, "    fix advice:");
            append_text_line(out, "        " + f.advice);
        }
    }
    out += '\n';
}

void append_diagnosis_json(std::string& out, const Diagnosis& diagnosis) {
    for (std::size_t i = 0; i < diagnosis.findings.size(); ++i) {
        const Finding& f = diagnosis.findings[i];
        JsonObject o(out);
        o.field("type", "diagnosis").field_seconds("ts", f.time_ns);
        if (diagnosis.skb) o.field("skb", hex_string(diagnosis.skb));
        o.field("index", uint64_t{i + 1})
            .field("level", lower(diag_level_name(f.level)))
            .field("rule", f.rule)
            .field("where", f.where);
        if (!f.location.empty()) o.field("location", f.location);
        if (!f.source.empty()) o.field("source", f.source);
        if (!f.reason.empty()) o.field("reason", f.reason);
        if (!f.blame.empty()) o.field("blame", f.blame);
        o.field("message", f.message);
        if (!f.advice.empty()) o.field("advice", f.advice);
    }
}

}  // namespace ftnt
