// Prometheus text exposition format 0.0.4: metric families with HELP and TYPE lines, label
// values escaped (backslash, double quote, newline).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ftnt {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

struct MetricSample {
    MetricLabels labels;
    uint64_t value = 0;
};

struct MetricFamily {
    std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*, checked by the caller's constants
    std::string help;
    std::string type;  // "counter" or "gauge"
    std::vector<MetricSample> samples;
};

// "a\"b" for a"b; \ and newline likewise.
std::string escaped_label_value(std::string_view value);
// The exposition of `families`, in their order, ending with a newline.
std::string exposition_text(const std::vector<MetricFamily>& families);

// The Content-Type of this format.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace ftnt
