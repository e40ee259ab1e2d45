#include "output/output.h"

#include "output/formats.h"

namespace ftnt {

std::unique_ptr<Output> make_output(OutputFormat format, OutputSink& sink, OutputOptions options) {
    return format == OutputFormat::json ? make_json_output(sink, options)
                                        : make_text_output(sink, options);
}

}  // namespace ftnt
