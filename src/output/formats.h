// The two implementations of Output, behind make_output().
#pragma once

#include <memory>

#include "output/output.h"

namespace ftnt {

std::unique_ptr<Output> make_text_output(OutputSink& sink, OutputOptions options);
std::unique_ptr<Output> make_json_output(OutputSink& sink, OutputOptions options);

}  // namespace ftnt
