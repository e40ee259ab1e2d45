#include "output/metrics_text.h"

namespace ftnt {
namespace {

// HELP text escapes backslash and newline only.
std::string escaped_help(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

void append_sample(std::string& out, const std::string& name, const MetricSample& sample) {
    out += name;
    if (!sample.labels.empty()) {
        out += '{';
        bool first = true;
        for (const auto& [label, value] : sample.labels) {
            out += first ? "" : ",";
            out += label + "=\"" + escaped_label_value(value) + "\"";
            first = false;
        }
        out += '}';
    }
    out += ' ' + std::to_string(sample.value) + '\n';
}

}  // namespace

std::string escaped_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

std::string exposition_text(const std::vector<MetricFamily>& families) {
    std::string out;
    for (const auto& family : families) {
        out += "# HELP " + family.name + ' ' + escaped_help(family.help) + '\n';
        out += "# TYPE " + family.name + ' ' + family.type + '\n';
        for (const auto& sample : family.samples) append_sample(out, family.name, sample);
    }
    return out;
}

}  // namespace ftnt
