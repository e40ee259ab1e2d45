// The two implementations of Output, behind make_output().
#pragma once

#include <memory>
#include <string>

#include "output/output.h"

namespace ftnt {

std::unique_ptr<Output> make_text_output(OutputSink& sink, OutputOptions options);
std::unique_ptr<Output> make_json_output(OutputSink& sink, OutputOptions options);

// format_time's text, appended.
void append_time(std::string& out, uint64_t monotonic_ns, const TimeFormat& time);

}  // namespace ftnt
